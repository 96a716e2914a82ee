import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { OrganizationWithDomains } from './organizations.dto';

export type Db = Prisma.TransactionClient | PrismaService;
const withDomains = { domains: { orderBy: { id: 'asc' } } } as const;

/** The only Prisma caller for organizations. Every method takes the environment first. */
@Injectable()
export class OrganizationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  findById(environmentId: string, id: string, db: Db = this.prisma): Promise<OrganizationWithDomains | null> {
    return db.organization.findFirst({ where: { id, environmentId }, include: withDomains });
  }

  findByExternalId(environmentId: string, externalId: string): Promise<OrganizationWithDomains | null> {
    return this.prisma.organization.findFirst({ where: { environmentId, externalId }, include: withDomains });
  }

  /** Locks the row for the rest of the transaction, so concurrent updates apply one after another. */
  async lockById(environmentId: string, id: string, tx: Prisma.TransactionClient): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM organizations WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
    return rows.length === 1;
  }

  list(environmentId: string, domains: string[] | undefined, page: PageRequest): Promise<OrganizationWithDomains[]> {
    const where: Prisma.OrganizationWhereInput = { environmentId };
    if (domains?.length) where.domains = { some: { domain: { in: domains } } };
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.organization.findMany({ where, orderBy: { id: page.direction }, take: page.take, include: withDomains });
  }

  create(tx: Prisma.TransactionClient, data: Prisma.OrganizationUncheckedCreateInput, domains: Prisma.OrganizationDomainUncheckedCreateInput[]): Promise<OrganizationWithDomains> {
    return tx.organization.create({ data: { ...data, domains: { create: domains.map(({ organizationId: _o, ...d }) => d) } }, include: withDomains });
  }

  update(tx: Prisma.TransactionClient, environmentId: string, id: string, data: Prisma.OrganizationUncheckedUpdateInput): Promise<OrganizationWithDomains> {
    return tx.organization.update({ where: { id, environmentId }, data: { ...data, updatedAt: new Date() }, include: withDomains });
  }

  async delete(tx: Prisma.TransactionClient, environmentId: string, id: string): Promise<void> {
    await tx.organization.deleteMany({ where: { id, environmentId } });
  }

  async replaceDomains(
    tx: Prisma.TransactionClient,
    environmentId: string,
    organizationId: string,
    removeIds: string[],
    add: Prisma.OrganizationDomainUncheckedCreateInput[],
    markVerifiedIds: string[],
  ): Promise<void> {
    if (removeIds.length) await tx.organizationDomain.deleteMany({ where: { environmentId, organizationId, id: { in: removeIds } } });
    if (markVerifiedIds.length) {
      await tx.organizationDomain.updateMany({
        where: { environmentId, organizationId, id: { in: markVerifiedIds } },
        data: { state: 'verified', verificationStrategy: 'manual', failureReason: null, updatedAt: new Date() },
      });
    }
    if (add.length) await tx.organizationDomain.createMany({ data: add });
  }
}
