import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest, escapeLike } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma, User } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

/** The only Prisma caller for users. Every method takes the environment first. */
@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  /** The hot read (GET /user_management/users/:id): one named prepared statement on the pool. */
  async findById(environmentId: string, id: string): Promise<User | null> {
    const { rows } = await this.prisma.pool.query<UserRow>({ name: 'user_by_id', text: USER_BY_ID, values: [id, environmentId] });
    return rows[0] ? userFromRow(rows[0]) : null;
  }

  /** On the sign-in path: a named prepared statement on the pool, like findById. */
  async findByEmail(environmentId: string, email: string): Promise<User | null> {
    const { rows } = await this.prisma.pool.query<UserRow>({ name: 'user_by_email', text: USER_BY_EMAIL, values: [environmentId, email.toLowerCase()] });
    return rows[0] ? userFromRow(rows[0]) : null;
  }

  findByExternalId(environmentId: string, externalId: string): Promise<User | null> {
    return this.prisma.user.findFirst({ where: { environmentId, externalId } });
  }

  /** Locks the row for the rest of the transaction and returns it. */
  async lock(tx: Tx, environmentId: string, id: string): Promise<User | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
    return rows.length ? tx.user.findUnique({ where: { id } }) : null;
  }

  /**
   * `emailPrefix` (lower case, bounded by the DTO) is a LIKE prefix with its wildcards escaped,
   * so it is served by the (environment_id, email text_pattern_ops) index whatever the collation.
   */
  list(environmentId: string, filter: { email?: string; emailPrefix?: string; userIds?: string[] }, page: PageRequest): Promise<User[]> {
    const where: Prisma.UserWhereInput = { environmentId };
    const and: Prisma.UserWhereInput[] = [];
    if (filter.email) where.email = filter.email;
    if (filter.emailPrefix) and.push({ email: { startsWith: escapeLike(filter.emailPrefix) } });
    if (filter.userIds) where.id = { in: filter.userIds };
    if (page.cursor) and.push({ id: { [page.cursor.op]: page.cursor.id } });
    if (and.length) where.AND = and;
    return this.prisma.user.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }

  async create(user: Prisma.UserUncheckedCreateInput, events: (u: User) => OutboxMessage[]): Promise<User> {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.user.create({ data: user });
      await appendToOutbox(tx, events(created));
      return created;
    });
  }

  update(tx: Tx, environmentId: string, id: string, data: Prisma.UserUncheckedUpdateInput): Promise<User> {
    return tx.user.update({ where: { id, environmentId }, data: { ...data, updatedAt: new Date() } });
  }

  /** Swaps the hash only if it is still `expected`, so a concurrent password change wins. */
  async replacePasswordHash(environmentId: string, id: string, expected: string, next: string): Promise<void> {
    await this.prisma.user.updateMany({ where: { id, environmentId, passwordHash: expected }, data: { passwordHash: next } });
  }

  async delete(tx: Tx, environmentId: string, id: string): Promise<void> {
    await tx.user.deleteMany({ where: { id, environmentId } });
  }
}

const USER_BY_ID = 'SELECT * FROM users WHERE id = $1 AND environment_id = $2';
const USER_BY_EMAIL = 'SELECT * FROM users WHERE environment_id = $1 AND email = $2';

export interface UserRow {
  id: string;
  environment_id: string;
  email: string;
  email_verified: boolean;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  profile_picture_url: string | null;
  locale: string | null;
  external_id: string | null;
  metadata: Prisma.JsonValue;
  password_hash: string | null;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Maps a raw `users` row (pg or row_to_json, where timestamps arrive as strings) to the Prisma shape. */
export function userFromRow(r: UserRow): User {
  return {
    id: r.id,
    environmentId: r.environment_id,
    email: r.email,
    emailVerified: r.email_verified,
    firstName: r.first_name,
    lastName: r.last_name,
    name: r.name,
    profilePictureUrl: r.profile_picture_url,
    locale: r.locale,
    externalId: r.external_id,
    metadata: r.metadata,
    passwordHash: r.password_hash,
    lastSignInAt: r.last_sign_in_at ? new Date(r.last_sign_in_at) : null,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

