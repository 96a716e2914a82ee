import { Injectable } from '@nestjs/common';
import { Prisma, type SsoTestResult } from '../../generated/prisma/client';
import { PrismaService } from '../../infra/prisma.service';

export interface PendingSsoTest {
  state: string;
  verifier: string;
  connectionId: string;
  startedAt: string;
}

/** SSO self-test state and results. Every method takes the environment first. */
@Injectable()
export class SsoTestsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async setPending(environmentId: string, sessionHash: string, pending: PendingSsoTest | null): Promise<void> {
    await this.prisma.portalSession.updateMany({ where: { environmentId, tokenHash: sessionHash }, data: { pendingSsoTest: pending ? (pending as unknown as Prisma.InputJsonValue) : Prisma.DbNull } });
  }

  record(row: Prisma.SsoTestResultUncheckedCreateInput): Promise<SsoTestResult> {
    return this.prisma.ssoTestResult.create({ data: row });
  }

  latest(environmentId: string, organizationId: string, connectionId: string): Promise<SsoTestResult | null> {
    return this.prisma.ssoTestResult.findFirst({ where: { environmentId, organizationId, connectionId }, orderBy: { createdAt: 'desc' } });
  }

  /** The NameID the previous passing test of this email saw on this connection. */
  async previousIdpId(environmentId: string, organizationId: string, connectionId: string, email: string): Promise<string | null> {
    const rows = await this.prisma.ssoTestResult.findMany({ where: { environmentId, organizationId, connectionId, outcome: 'passed' }, orderBy: { createdAt: 'desc' }, take: 20 });
    const hit = rows.map((r) => r.report as { profile?: { email?: string; idp_id?: string } }).find((r) => r.profile?.email === email);
    return hit?.profile?.idp_id ?? null;
  }
}
