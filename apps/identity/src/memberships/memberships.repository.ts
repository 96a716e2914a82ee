import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { OrganizationMembership, Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

@Injectable()
export class MembershipsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  findById(environmentId: string, id: string): Promise<OrganizationMembership | null> {
    return this.prisma.organizationMembership.findFirst({ where: { id, environmentId } });
  }

  findFor(environmentId: string, userId: string, organizationId: string): Promise<OrganizationMembership | null> {
    return this.prisma.organizationMembership.findUnique({ where: { environmentId_userId_organizationId: { environmentId, userId, organizationId } } });
  }

  activeForUser(environmentId: string, userId: string): Promise<OrganizationMembership[]> {
    return this.prisma.organizationMembership.findMany({ where: { environmentId, userId, status: 'active' }, orderBy: { id: 'asc' } });
  }

  async userIdsOf(environmentId: string, organizationId: string): Promise<string[]> {
    const rows = await this.prisma.organizationMembership.findMany({ where: { environmentId, organizationId }, select: { userId: true } });
    return rows.map((r) => r.userId);
  }

  async lock(tx: Tx, environmentId: string, id: string): Promise<OrganizationMembership | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM organization_memberships WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
    return rows.length ? tx.organizationMembership.findUnique({ where: { id } }) : null;
  }

  list(environmentId: string, f: { organizationId?: string; userId?: string; statuses?: string[] }, page: PageRequest): Promise<OrganizationMembership[]> {
    const where: Prisma.OrganizationMembershipWhereInput = { environmentId };
    if (f.organizationId) where.organizationId = f.organizationId;
    if (f.userId) where.userId = f.userId;
    if (f.statuses?.length) where.status = { in: f.statuses };
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.organizationMembership.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }

  async create(row: Prisma.OrganizationMembershipUncheckedCreateInput, events: (m: OrganizationMembership) => OutboxMessage[]): Promise<OrganizationMembership> {
    return this.prisma.$transaction(async (tx) => {
      const m = await tx.organizationMembership.create({ data: row });
      await appendToOutbox(tx, events(m));
      return m;
    });
  }

  update(tx: Tx, environmentId: string, id: string, data: Prisma.OrganizationMembershipUncheckedUpdateInput): Promise<OrganizationMembership> {
    return tx.organizationMembership.update({ where: { id, environmentId }, data: { ...data, updatedAt: new Date() } });
  }

  async delete(tx: Tx, environmentId: string, id: string): Promise<void> {
    await tx.organizationMembership.deleteMany({ where: { id, environmentId } });
  }
}
