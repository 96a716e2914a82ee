import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { OrganizationMembership, Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

const ACTIVE_FOR_USER = `SELECT id, environment_id, user_id, organization_id, organization_name, status, role_slugs, created_at, updated_at
  FROM organization_memberships WHERE environment_id = $1 AND user_id = $2 AND status = 'active' ORDER BY id`;
interface MembershipRow {
  id: string;
  environment_id: string;
  user_id: string;
  organization_id: string;
  organization_name: string;
  status: string;
  role_slugs: string[];
  created_at: Date;
  updated_at: Date;
}

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

  /** On the sign-in path: a named prepared statement on the pool. */
  async activeForUser(environmentId: string, userId: string): Promise<OrganizationMembership[]> {
    const { rows } = await this.prisma.pool.query<MembershipRow>({ name: 'active_memberships_of_user', text: ACTIVE_FOR_USER, values: [environmentId, userId] });
    return rows.map((r) => ({
      id: r.id,
      environmentId: r.environment_id,
      userId: r.user_id,
      organizationId: r.organization_id,
      organizationName: r.organization_name,
      status: r.status,
      roleSlugs: r.role_slugs,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
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
