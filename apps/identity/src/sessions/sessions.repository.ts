import { Injectable } from '@nestjs/common';
import { appendToOutbox, outboxInsertCte, withOutboxNotify, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma, Session, User } from '../generated/prisma/client';
import { userFromRow, type UserRow } from '../users/users.repository';
import { organizationEntry, type OrganizationEntry } from './organization-entry';

export interface RotationRow {
  session_id: string;
  user_id: string;
  auth_method: string;
  org_id: string | null;
  role_slugs: string[] | null;
}

export type RotationResult =
  | { kind: 'rotated'; sessionId: string; authMethod: string; organizationId: string | null; roleSlugs: string[] | null; user: User }
  | { kind: 'not_member'; organizationId: string }
  | { kind: 'refused_entry'; organizationId: string; entry: Exclude<OrganizationEntry, { allowed: true }>; email: string }
  | { kind: 'session_ended' }
  | { kind: 'unknown_or_used' };

/**
 * Spends one refresh token and issues its successor in ONE autocommit statement (one round trip):
 * the UPDATE only matches an unused token whose session is active and unexpired and, when the
 * token names an organization (its own or a requested switch), whose user is an active member of
 * it and, for a switch, may enter it (organization-entry.ts); otherwise nothing at all is
 * written. Concurrent presentations of one token serialise on its row lock: the loser sees
 * `used_at` set and matches nothing.
 */
const ROTATE = `
WITH used AS (
  UPDATE refresh_tokens rt SET used_at = $3::timestamptz
  FROM sessions s
  WHERE rt.token_hash = $1::text AND rt.environment_id = $2::text AND rt.used_at IS NULL
    AND s.id = rt.session_id AND s.status = 'active' AND s.expires_at > $3::timestamptz
    AND (COALESCE($5::text, rt.organization_id) IS NULL OR EXISTS (
      SELECT 1 FROM organization_memberships m
      WHERE m.environment_id = $2::text AND m.user_id = s.user_id AND m.organization_id = COALESCE($5::text, rt.organization_id) AND m.status = 'active'
        AND ($5::text IS NULL OR $5::text IS NOT DISTINCT FROM rt.organization_id
             OR s.sso_organization_id = m.organization_id
             OR (s.sso_organization_id IS NULL AND m.source <> 'sso'))))
  RETURNING rt.session_id, s.user_id, s.auth_method, s.organization_id AS session_org, COALESCE($5::text, rt.organization_id) AS org_id),
ins AS (
  INSERT INTO refresh_tokens (token_hash, environment_id, session_id, organization_id, created_at)
  SELECT $4::text, $2::text, used.session_id, used.org_id, $3::timestamptz FROM used
  RETURNING 1),
sess AS (
  UPDATE sessions SET organization_id = used.org_id, updated_at = $3::timestamptz
  FROM used WHERE sessions.id = used.session_id AND used.session_org IS DISTINCT FROM used.org_id
  RETURNING 1)
SELECT used.session_id, used.user_id, used.auth_method, used.org_id,
       (SELECT m.role_slugs FROM organization_memberships m WHERE m.environment_id = $2::text AND m.user_id = used.user_id AND m.organization_id = used.org_id) AS role_slugs,
       row_to_json(u) AS user_row
FROM used JOIN users u ON u.id = used.user_id`;

/** Why a token did not rotate (the rare path, so a second query is fine). */
const WHY_NOT = `
SELECT rt.used_at, rt.session_id, s.status, s.expires_at, COALESCE($3::text, rt.organization_id) AS org_id, rt.organization_id AS token_org_id, s.sso_organization_id, u.email,
       m.source, m.source_connection_id
FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
LEFT JOIN organization_memberships m ON m.environment_id = rt.environment_id AND m.user_id = s.user_id
  AND m.organization_id = COALESCE($3::text, rt.organization_id) AND m.status = 'active'
WHERE rt.token_hash = $1::text AND rt.environment_id = $2::text`;

@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The session, its first refresh token, the user's last sign-in time and the events, in ONE
   * statement (one round trip, atomic like any statement). The caller builds the rows, so the
   * answer needs nothing back from the database.
   */
  async create(session: Session, refreshTokenHash: string, events: OutboxMessage[]): Promise<void> {
    const outbox = outboxInsertCte(events, 13);
    const text = withOutboxNotify(`s AS (
        INSERT INTO sessions (id, environment_id, user_id, organization_id, auth_method, status, ip_address, user_agent, expires_at, created_at, updated_at, sso_connection_id, sso_organization_id)
        VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $9, $11, $12) RETURNING id, organization_id),
      rt AS (
        INSERT INTO refresh_tokens (token_hash, environment_id, session_id, organization_id, created_at)
        SELECT $10, $2, s.id, s.organization_id, $9 FROM s RETURNING 1),
      u AS (UPDATE users SET last_sign_in_at = $9 WHERE id = $3 AND environment_id = $2 RETURNING 1),
      ${outbox.cte}`);
    await this.prisma.pool.query(text, [
      session.id, session.environmentId, session.userId, session.organizationId, session.authMethod, session.ipAddress, session.userAgent, session.expiresAt, session.createdAt,
      refreshTokenHash, session.ssoConnectionId, session.ssoOrganizationId, ...outbox.values,
    ]);
  }

  /** See ROTATE. A refused organization switch writes nothing, so the presented token stays valid. */
  async rotate(environmentId: string, tokenHash: string, nextHash: string, organizationId: string | null, now: Date): Promise<RotationResult> {
    const { rows } = await this.prisma.pool.query({ name: 'rotate_refresh_token', text: ROTATE, values: [tokenHash, environmentId, now, nextHash, organizationId] });
    const r = rows[0] as (RotationRow & { user_row: UserRow }) | undefined;
    if (r) return { kind: 'rotated', sessionId: r.session_id, authMethod: r.auth_method, organizationId: r.org_id, roleSlugs: r.role_slugs, user: userFromRow(r.user_row) };
    const why = (await this.prisma.pool.query({ name: 'refresh_token_why_not', text: WHY_NOT, values: [tokenHash, environmentId, organizationId] })).rows[0] as
      | { used_at: Date | null; session_id: string; status: string; expires_at: Date; org_id: string | null; token_org_id: string | null; sso_organization_id: string | null; email: string; source: string | null; source_connection_id: string | null }
      | undefined;
    if (!why || why.used_at) return { kind: 'unknown_or_used' };
    if (why.status !== 'active' || why.expires_at.getTime() <= now.getTime()) return { kind: 'session_ended' };
    if (why.source === null || why.org_id === null || why.org_id === why.token_org_id) return { kind: 'not_member', organizationId: why.org_id ?? '' };
    const entry = organizationEntry({ ssoOrganizationId: why.sso_organization_id }, { organizationId: why.org_id, source: why.source, sourceConnectionId: why.source_connection_id });
    // Allowed here means the token was spent or the membership changed in between: not a member now.
    if (entry.allowed) return { kind: 'not_member', organizationId: why.org_id };
    return { kind: 'refused_entry', organizationId: why.org_id, entry, email: why.email };
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

  /**
   * Ends every active session scoped to the organization or authenticated through its SSO, and
   * kills their refresh tokens, in the caller's transaction (organization.deleted).
   */
  async revokeForOrganization(tx: Prisma.TransactionClient, environmentId: string, organizationId: string, now: Date): Promise<Session[]> {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM sessions WHERE environment_id = ${environmentId} AND status = 'active'
        AND (organization_id = ${organizationId} OR sso_organization_id = ${organizationId})
      ORDER BY id FOR UPDATE`;
    if (!locked.length) return [];
    const ids = locked.map((x) => x.id);
    const ended = await tx.session.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    await tx.session.updateMany({ where: { id: { in: ids } }, data: { status: 'revoked', endedAt: now, updatedAt: now } });
    await tx.refreshToken.updateMany({ where: { sessionId: { in: ids }, usedAt: null }, data: { usedAt: now } });
    return ended.map((x) => ({ ...x, status: 'revoked', endedAt: now, updatedAt: now }));
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
