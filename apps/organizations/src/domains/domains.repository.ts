import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { OrganizationDomain, Prisma } from '../generated/prisma/client';

/** The only Prisma caller for organization domains. Every method takes the environment first. */
@Injectable()
export class DomainsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  findById(environmentId: string, id: string): Promise<OrganizationDomain | null> {
    return this.prisma.organizationDomain.findFirst({ where: { id, environmentId } });
  }

  /** Reads and locks the row, so a verify and a delete of one domain cannot interleave. */
  async lockById(environmentId: string, id: string, tx: Prisma.TransactionClient): Promise<OrganizationDomain | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM organization_domains WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
    return rows.length ? tx.organizationDomain.findFirst({ where: { id, environmentId } }) : null;
  }

  async organizationExists(environmentId: string, organizationId: string, tx: Prisma.TransactionClient): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM organizations WHERE id = ${organizationId} AND environment_id = ${environmentId} FOR SHARE`;
    return rows.length === 1;
  }

  create(tx: Prisma.TransactionClient, data: Prisma.OrganizationDomainUncheckedCreateInput): Promise<OrganizationDomain> {
    return tx.organizationDomain.create({ data });
  }

  setState(tx: Prisma.TransactionClient, environmentId: string, id: string, state: 'verified' | 'failed', failureReason: string | null): Promise<OrganizationDomain> {
    const now = new Date();
    return tx.organizationDomain.update({ where: { id, environmentId }, data: { state, failureReason, lastVerificationAt: now, updatedAt: now } });
  }

  async delete(tx: Prisma.TransactionClient, environmentId: string, id: string): Promise<void> {
    await tx.organizationDomain.deleteMany({ where: { id, environmentId } });
  }
}
