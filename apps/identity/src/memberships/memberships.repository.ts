import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { OrganizationMembership, Prisma, User } from '../generated/prisma/client';
import { userFromRow, type UserRow } from '../users/users.repository';

export type Tx = Prisma.TransactionClient;
/** A membership with its user, as the REST answers carry it (one JOIN, never a query per row). */
export type MembershipWithUser = OrganizationMembership & { user: User };

/** The membership columns as `fromRow` reads them (alias `m`). */
export const MEMBERSHIP_COLUMNS = 'm.id, m.environment_id, m.user_id, m.organization_id, m.organization_name, m.status, m.role_slugs, m.source, m.source_connection_id, m.created_at, m.updated_at';
const WITH_USER = `SELECT ${MEMBERSHIP_COLUMNS}, row_to_json(u) AS user_row FROM organization_memberships m JOIN users u ON u.id = m.user_id`;
const ACTIVE_FOR_USER = `SELECT ${MEMBERSHIP_COLUMNS} FROM organization_memberships m WHERE m.environment_id = $1 AND m.user_id = $2 AND m.status = 'active' ORDER BY m.id`;

export interface MembershipRow {
  id: string;
  environment_id: string;
  user_id: string;
  organization_id: string;
  organization_name: string;
  status: string;
  role_slugs: string[];
  source: string;
  source_connection_id: string | null;
  created_at: Date;
  updated_at: Date;
  user_row?: UserRow;
}

/** The only caller of the memberships table. Every method takes the environment first. */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  async findWithUser(environmentId: string, id: string): Promise<MembershipWithUser | null> {
    const { rows } = await this.prisma.pool.query<MembershipRow>({ name: 'membership_with_user', text: `${WITH_USER} WHERE m.id = $1 AND m.environment_id = $2`, values: [id, environmentId] });
    return rows[0] ? withUser(rows[0]) : null;
  }

  findFor(environmentId: string, userId: string, organizationId: string, tx: Tx | PrismaService = this.prisma): Promise<OrganizationMembership | null> {
    return tx.organizationMembership.findUnique({ where: { environmentId_userId_organizationId: { environmentId, userId, organizationId } } });
  }

  /** On the sign-in path: a named prepared statement on the pool. */
  async activeForUser(environmentId: string, userId: string): Promise<OrganizationMembership[]> {
    const { rows } = await this.prisma.pool.query<MembershipRow>({ name: 'active_memberships_of_user', text: ACTIVE_FOR_USER, values: [environmentId, userId] });
    return rows.map(fromRow);
  }

  /** Every membership of the environment, in ID order after `afterId` (authorization's backfill). */
  async pageInIdOrder(environmentId: string, afterId: string | null, limit: number): Promise<OrganizationMembership[]> {
    const { rows } = await this.prisma.pool.query<MembershipRow>(
      `SELECT ${MEMBERSHIP_COLUMNS} FROM organization_memberships m WHERE m.environment_id = $1 AND ($2::text IS NULL OR m.id > $2) ORDER BY m.id LIMIT $3`,
      [environmentId, afterId, limit],
    );
    return rows.map(fromRow);
  }

  async userIdsOf(environmentId: string, organizationId: string): Promise<string[]> {
    const rows = await this.prisma.organizationMembership.findMany({ where: { environmentId, organizationId }, select: { userId: true } });
    return rows.map((r) => r.userId);
  }

  /** Locks the membership row (not its user) for the rest of the transaction and reads both. */
  async lock(tx: Tx, environmentId: string, id: string): Promise<MembershipWithUser | null> {
    const rows = await tx.$queryRawUnsafe<MembershipRow[]>(`${WITH_USER} WHERE m.id = $1 AND m.environment_id = $2 FOR UPDATE OF m`, id, environmentId);
    return rows[0] ? withUser(rows[0]) : null;
  }

  /** Locks and returns every membership of an organization (organization.deleted). */
  async lockByOrganization(tx: Tx, environmentId: string, organizationId: string): Promise<OrganizationMembership[]> {
    const rows = await tx.$queryRawUnsafe<MembershipRow[]>(
      `SELECT ${MEMBERSHIP_COLUMNS} FROM organization_memberships m WHERE m.environment_id = $1 AND m.organization_id = $2 ORDER BY m.id FOR UPDATE`,
      environmentId,
      organizationId,
    );
    return rows.map(fromRow);
  }

  async list(environmentId: string, f: { organizationId?: string; userId?: string; statuses?: string[] }, page: PageRequest): Promise<MembershipWithUser[]> {
    const where = ['m.environment_id = $1'];
    const values: unknown[] = [environmentId];
    const param = (v: unknown) => `$${values.push(v)}`;
    if (f.organizationId) where.push(`m.organization_id = ${param(f.organizationId)}`);
    if (f.userId) where.push(`m.user_id = ${param(f.userId)}`);
    if (f.statuses?.length) where.push(`m.status = ANY(${param(f.statuses)}::text[])`);
    if (page.cursor) where.push(`m.id ${page.cursor.op === 'gt' ? '>' : '<'} ${param(page.cursor.id)}`);
    const order = page.direction === 'asc' ? 'ASC' : 'DESC';
    const { rows } = await this.prisma.pool.query<MembershipRow>(`${WITH_USER} WHERE ${where.join(' AND ')} ORDER BY m.id ${order} LIMIT ${param(page.take)}`, values);
    return rows.map(withUser);
  }

  async create(row: Prisma.OrganizationMembershipUncheckedCreateInput, events: (m: OrganizationMembership) => OutboxMessage[]): Promise<OrganizationMembership> {
    return this.prisma.$transaction(async (tx) => {
      const m = await tx.organizationMembership.create({ data: row });
      await appendToOutbox(tx, events(m));
      return m;
    });
  }

  /**
   * Inserts the membership unless the user is already a member (in any status), inside the
   * caller's transaction. ON CONFLICT keeps the transaction usable, where a unique violation
   * would abort it. Returns the new row, or null when one existed.
   */
  async insertIfAbsent(tx: Tx, row: OrganizationMembership): Promise<OrganizationMembership | null> {
    const rows = await tx.$queryRawUnsafe<MembershipRow[]>(
      `INSERT INTO organization_memberships (id, environment_id, user_id, organization_id, organization_name, status, role_slugs, source, source_connection_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $10)
       ON CONFLICT (environment_id, user_id, organization_id) DO NOTHING
       RETURNING id, environment_id, user_id, organization_id, organization_name, status, role_slugs, source, source_connection_id, created_at, updated_at`,
      row.id, row.environmentId, row.userId, row.organizationId, row.organizationName, row.status, row.roleSlugs, row.source, row.sourceConnectionId, row.createdAt,
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  update(tx: Tx, environmentId: string, id: string, data: Prisma.OrganizationMembershipUncheckedUpdateInput): Promise<OrganizationMembership> {
    return tx.organizationMembership.update({ where: { id, environmentId }, data: { ...data, updatedAt: new Date() } });
  }

  async delete(tx: Tx, environmentId: string, id: string): Promise<void> {
    await tx.organizationMembership.deleteMany({ where: { id, environmentId } });
  }

  async deleteByOrganization(tx: Tx, environmentId: string, organizationId: string): Promise<void> {
    await tx.organizationMembership.deleteMany({ where: { environmentId, organizationId } });
  }
}

/** A raw membership row (pg, or row_to_json where timestamps arrive as strings) in the Prisma shape. */
export function fromRow(r: MembershipRow): OrganizationMembership {
  return {
    id: r.id,
    environmentId: r.environment_id,
    userId: r.user_id,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    status: r.status,
    roleSlugs: r.role_slugs,
    source: r.source,
    sourceConnectionId: r.source_connection_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

const withUser = (r: MembershipRow): MembershipWithUser => ({ ...fromRow(r), user: userFromRow(r.user_row!) });
