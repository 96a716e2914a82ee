import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma, Session, User } from '../generated/prisma/client';
import { userFromRow, type UserRow } from '../users/users.repository';

export interface RotationRow {
  session_id: string;
  user_id: string;
  auth_method: string;
  org_id: string | null;
  role_slugs: string[] | null;
  inserted: number;
}

export type RotationResult =
  | { kind: 'rotated'; sessionId: string; authMethod: string; organizationId: string | null; roleSlugs: string[] | null; user: User }
  | { kind: 'not_member'; organizationId: string }
  | { kind: 'session_ended' }
  | { kind: 'unknown_or_used' };

/**
 * Spends one refresh token and issues its successor in one statement: the token must be unused,
 * its session active and unexpired, and a requested organization must be one the user is an
 * active member of; otherwise nothing is written.
 */
const ROTATE = `
WITH used AS (
  UPDATE refresh_tokens SET used_at = $3::timestamptz
  WHERE token_hash = $1::text AND environment_id = $2 AND used_at IS NULL
  RETURNING session_id, organization_id),
ctx AS (
  SELECT s.id AS session_id, s.user_id, s.auth_method, s.organization_id AS session_org, COALESCE($5::text, used.organization_id) AS org_id
  FROM used JOIN sessions s ON s.id = used.session_id
  WHERE s.status = 'active' AND s.expires_at > $3::timestamptz),
mem AS (
  SELECT m.role_slugs FROM organization_memberships m JOIN ctx ON m.user_id = ctx.user_id AND m.organization_id = ctx.org_id
  WHERE m.environment_id = $2 AND m.status = 'active'),
ins AS (
  INSERT INTO refresh_tokens (token_hash, environment_id, session_id, organization_id, created_at)
  SELECT $4::text, $2::text, ctx.session_id, ctx.org_id, $3::timestamptz FROM ctx
  WHERE ctx.org_id IS NULL OR EXISTS (SELECT 1 FROM mem)
  RETURNING session_id),
sess AS (
  UPDATE sessions SET organization_id = ctx.org_id, updated_at = $3::timestamptz
  FROM ctx WHERE sessions.id = ctx.session_id AND sessions.organization_id IS DISTINCT FROM ctx.org_id AND EXISTS (SELECT 1 FROM ins)
  RETURNING 1)
SELECT (SELECT count(*) FROM used)::int AS used, ctx.session_id, ctx.user_id, ctx.auth_method, ctx.org_id,
       (SELECT role_slugs FROM mem) AS role_slugs, (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM sess)::int AS moved,
       row_to_json(u) AS user_row
FROM (SELECT 1) AS one LEFT JOIN ctx ON true LEFT JOIN users u ON u.id = ctx.user_id`;

@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The session, its first refresh token, the user's last sign-in time and the events, in one transaction. */
  async create(session: Prisma.SessionUncheckedCreateInput, refreshTokenHash: string, events: (s: Session) => OutboxMessage[]): Promise<{ session: Session; user: User }> {
    return this.prisma.$transaction(async (tx) => {
      const s = await tx.session.create({ data: session });
      await tx.refreshToken.create({ data: { tokenHash: refreshTokenHash, environmentId: s.environmentId, sessionId: s.id, organizationId: s.organizationId, createdAt: s.createdAt } });
      const user = await tx.user.update({ where: { id: s.userId }, data: { lastSignInAt: s.createdAt } });
      await appendToOutbox(tx, events(s));
      return { session: s, user };
    });
  }

  /** See ROTATE. A refused organization switch rolls back, so the presented token stays valid. */
  async rotate(environmentId: string, tokenHash: string, nextHash: string, organizationId: string | null, now: Date): Promise<RotationResult> {
    const client = await this.prisma.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query({ name: 'rotate_refresh_token', text: ROTATE, values: [tokenHash, environmentId, now, nextHash, organizationId] });
      const r = rows[0] as RotationRow & { used: number; user_row: UserRow | null };
      if (r.used === 0) {
        await client.query('ROLLBACK');
        return { kind: 'unknown_or_used' };
      }
      if (!r.session_id) {
        await client.query('ROLLBACK');
        return { kind: 'session_ended' };
      }
      if (r.inserted === 0) {
        await client.query('ROLLBACK');
        return { kind: 'not_member', organizationId: r.org_id ?? '' };
      }
      await client.query('COMMIT');
      return { kind: 'rotated', sessionId: r.session_id, authMethod: r.auth_method, organizationId: r.org_id, roleSlugs: r.role_slugs, user: userFromRow(r.user_row!) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The session of a refresh token that was already spent, if it is one. */
  async spentTokenSession(environmentId: string, tokenHash: string): Promise<string | null> {
    const row = await this.prisma.refreshToken.findFirst({ where: { tokenHash, environmentId, usedAt: { not: null } }, select: { sessionId: true } });
    return row?.sessionId ?? null;
  }

  /**
   * Ends an active session and kills its refresh tokens; `events` builds the session.revoked
   * event from the ended row. Returns null when there was no active session to end.
   */
  async revoke(where: { id: string; environmentId?: string }, now: Date, events: (s: Session) => OutboxMessage[]): Promise<Session | null> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.session.findFirst({ where: { ...where, status: 'active' } });
      if (!found) return null;
      const n = await tx.session.updateMany({ where: { id: found.id, status: 'active' }, data: { status: 'revoked', endedAt: now, updatedAt: now } });
      if (n.count === 0) return null;
      await tx.refreshToken.updateMany({ where: { sessionId: found.id, usedAt: null }, data: { usedAt: now } });
      const ended = { ...found, status: 'revoked', endedAt: now, updatedAt: now };
      await appendToOutbox(tx, events(ended));
      return ended;
    });
  }

  findById(environmentId: string, id: string): Promise<Session | null> {
    return this.prisma.session.findFirst({ where: { id, environmentId } });
  }

  list(environmentId: string, userId: string, page: PageRequest): Promise<Session[]> {
    const where: Prisma.SessionWhereInput = { environmentId, userId };
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.session.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }
}
