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

  /** The connection's newest test: read by every render of the SSO page, so a named prepared statement on the pool (not Prisma). */
  async latest(environmentId: string, organizationId: string, connectionId: string): Promise<SsoTestResult | null> {
    const { rows } = await this.prisma.pool.query<{ id: string; environment_id: string; organization_id: string; connection_id: string; outcome: string; report: Prisma.JsonValue; created_at: Date }>({
      name: 'portal_latest_sso_test',
      text: `SELECT id, environment_id, organization_id, connection_id, outcome, report, created_at FROM sso_test_results
             WHERE environment_id = $1 AND organization_id = $2 AND connection_id = $3 ORDER BY created_at DESC LIMIT 1`,
      values: [environmentId, organizationId, connectionId],
    });
    const r = rows[0];
    return r ? { id: r.id, environmentId: r.environment_id, organizationId: r.organization_id, connectionId: r.connection_id, outcome: r.outcome, report: r.report, createdAt: r.created_at } : null;
  }

  /** The NameID the previous passing test of this email saw on this connection. */
  async previousIdpId(environmentId: string, organizationId: string, connectionId: string, email: string): Promise<string | null> {
    const rows = await this.prisma.ssoTestResult.findMany({ where: { environmentId, organizationId, connectionId, outcome: 'passed' }, orderBy: { createdAt: 'desc' }, take: 20 });
    const hit = rows.map((r) => r.report as { profile?: { email?: string; idp_id?: string } }).find((r) => r.profile?.email === email);
    return hit?.profile?.idp_id ?? null;
  }
}
