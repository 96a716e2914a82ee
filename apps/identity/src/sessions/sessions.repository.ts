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

export interface Rotated {
  kind: 'rotated';
  sessionId: string;
  authMethod: string;
  organizationId: string | null;
  roleSlugs: string[] | null;
  user: User;
}

export type RotationResult =
  | Rotated
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
  UPDATE refresh_tokens rt SET used_at = $3::timestamptz, successor_sealed = $6::text
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

/**
 * The live (unused) refresh token `$1` with what an access token for it needs, when its session is
 * active and unexpired and its organization (if any) still one the user is an active member of.
 */
const LIVE_TOKEN = `
SELECT rt.session_id, s.user_id, s.auth_method, rt.organization_id AS org_id,
       (SELECT m.role_slugs FROM organization_memberships m WHERE m.environment_id = $2::text AND m.user_id = s.user_id AND m.organization_id = rt.organization_id) AS role_slugs,
       row_to_json(u) AS user_row
FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
WHERE rt.token_hash = $1::text AND rt.environment_id = $2::text AND rt.used_at IS NULL
  AND s.status = 'active' AND s.expires_at > $3::timestamptz
  AND (rt.organization_id IS NULL OR EXISTS (
    SELECT 1 FROM organization_memberships m
    WHERE m.environment_id = $2::text AND m.user_id = s.user_id AND m.organization_id = rt.organization_id AND m.status = 'active'))`;

/** Ends every active, unexpired session of a user (password change); the caller's transaction. */
const REVOKE_USER_SESSIONS = `
UPDATE sessions SET status = 'revoked', ended_at = $3::timestamptz, updated_at = $3::timestamptz
WHERE environment_id = $1::text AND user_id = $2::text AND status = 'active' AND expires_at > $3::timestamptz
RETURNING id, environment_id, user_id, organization_id, auth_method, status, ip_address, user_agent, impersonator, sso_connection_id, sso_organization_id, expires_at, ended_at, created_at, updated_at`;

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
    // Named: the text is the same for every sign-in (the events travel as one jsonb parameter), so each connection plans it once.
    await this.prisma.pool.query({ name: 'create_session', text, values: [
      session.id, session.environmentId, session.userId, session.organizationId, session.authMethod, session.ipAddress, session.userAgent, session.expiresAt, session.createdAt,
      refreshTokenHash, session.ssoConnectionId, session.ssoOrganizationId, ...outbox.values,
    ] });
  }

  /**
   * See ROTATE. A refused organization switch writes nothing, so the presented token stays valid.
   * `successorSealed` is the successor sealed for the presented token (refresh-successor.ts).
   */
  async rotate(environmentId: string, tokenHash: string, nextHash: string, successorSealed: string, organizationId: string | null, now: Date): Promise<RotationResult> {
    const { rows } = await this.prisma.pool.query({ name: 'rotate_refresh_token', text: ROTATE, values: [tokenHash, environmentId, now, nextHash, organizationId, successorSealed] });
    const r = rows[0] as (RotationRow & { user_row: UserRow }) | undefined;
    if (r) return toRotated(r);
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

  /** A refresh token that was already spent, if it is one. */
  spentToken(environmentId: string, tokenHash: string): Promise<{ sessionId: string; usedAt: Date; successorSealed: string | null } | null> {
    return this.prisma.refreshToken
      .findFirst({ where: { tokenHash, environmentId, usedAt: { not: null } }, select: { sessionId: true, usedAt: true, successorSealed: true } })
      .then((r) => (r ? { sessionId: r.sessionId, usedAt: r.usedAt!, successorSealed: r.successorSealed } : null));
  }

  /** See LIVE_TOKEN: the unused token with its session, user and roles, or null. */
  async liveToken(environmentId: string, tokenHash: string, now: Date): Promise<Rotated | null> {
    const { rows } = await this.prisma.pool.query({ name: 'live_refresh_token', text: LIVE_TOKEN, values: [tokenHash, environmentId, now] });
    const r = rows[0] as (RotationRow & { user_row: UserRow }) | undefined;
    return r ? toRotated(r) : null;
  }

  /** Ends the user's active sessions and kills their refresh tokens in `tx`; the ended sessions. */
  async revokeAllOfUser(tx: Prisma.TransactionClient, environmentId: string, userId: string, now: Date): Promise<Session[]> {
    const rows = await tx.$queryRawUnsafe<SessionRow[]>(REVOKE_USER_SESSIONS, environmentId, userId, now);
    if (!rows.length) return [];
    await tx.refreshToken.updateMany({ where: { sessionId: { in: rows.map((r) => r.id) }, usedAt: null }, data: { usedAt: now } });
    return rows.map(sessionFromRow);
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

  /** Logout only: the browser names a session and nothing else, so the row gives the environment. */
  findAnyById(id: string): Promise<Session | null> {
    return this.prisma.session.findUnique({ where: { id } });
  }

  /** Which of these refresh-token hashes (any state) belong to the session. */
  async tokensOfSession(environmentId: string, sessionId: string, tokenHashes: string[]): Promise<string[]> {
    const rows = await this.prisma.refreshToken.findMany({ where: { environmentId, sessionId, tokenHash: { in: tokenHashes } }, select: { tokenHash: true } });
    return rows.map((r) => r.tokenHash);
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

function toRotated(r: RotationRow & { user_row: UserRow }): Rotated {
  return { kind: 'rotated', sessionId: r.session_id, authMethod: r.auth_method, organizationId: r.org_id, roleSlugs: r.role_slugs, user: userFromRow(r.user_row) };
}

interface SessionRow {
  id: string;
  environment_id: string;
  user_id: string;
  organization_id: string | null;
  auth_method: string;
  status: string;
  ip_address: string | null;
  user_agent: string | null;
  impersonator: Prisma.JsonValue;
  sso_connection_id: string | null;
  sso_organization_id: string | null;
  expires_at: Date;
  ended_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function sessionFromRow(r: SessionRow): Session {
  return {
    id: r.id, environmentId: r.environment_id, userId: r.user_id, organizationId: r.organization_id, authMethod: r.auth_method, status: r.status,
    ipAddress: r.ip_address, userAgent: r.user_agent, impersonator: r.impersonator,
    ssoConnectionId: r.sso_connection_id, ssoOrganizationId: r.sso_organization_id, expiresAt: r.expires_at, endedAt: r.ended_at, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
