import { Inject, Injectable } from '@nestjs/common';
import { appendToOutbox, newId, newUlid, NotFoundError, paginate, randomToken, sha256Hex, toListEnvelope, type OutboxMessage, type PaginationQuery } from '@wos/platform';
import type { ListEnvelope, SessionWire, UserWire } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import type { Session, User } from '../generated/prisma/client';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { toUserWire } from '../users/users.dto';
import { rolesOf } from '../memberships/memberships.dto';
import { invalidGrant, InvalidGrantError, SsoRequiredError } from '../authenticate/authenticate.errors';
import type { SsoSignIn } from '../authenticate/sso-sign-in';
import type { Prisma } from '../generated/prisma/client';
import type { AuthenticationMethod } from '../authenticate/authenticate.grants';
import { SessionsRepository } from './sessions.repository';
import { sessionEvent } from './sessions.events';
import { toSessionWire } from './sessions.dto';
import { organizationEntry, type OrganizationEntry } from './organization-entry';

/** The WorkOS authentication response (WORKOS_API.md §7.2). */
export interface AuthenticationResponse {
  user: UserWire;
  organization_id?: string;
  access_token: string;
  refresh_token: string;
  authentication_method: string;
}

export interface IssueParams {
  environmentId: string;
  user: User;
  organizationId: string | null;
  roleSlugs: string[] | null;
  method: AuthenticationMethod;
  /** The SSO connection the sign-in went through (kept on the session for organization-entry.ts). */
  sso?: SsoSignIn | null;
  ipAddress: string | null;
  userAgent: string | null;
  /** Events to commit with the session (the authentication.*_succeeded event). */
  events: OutboxMessage[];
}

/**
 * Sessions, refresh tokens and access tokens. Invariants: refresh tokens are 256-bit random,
 * stored only as SHA-256, and single use; presenting a spent token again revokes its whole
 * session (theft detection); an access token names an organization only when the user is an
 * active member of it.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(p: IssueParams): Promise<AuthenticationResponse> {
    const now = new Date();
    const refreshToken = randomToken(32);
    const session: Session = {
      id: newId('session'),
      environmentId: p.environmentId,
      userId: p.user.id,
      organizationId: p.organizationId,
      authMethod: p.method,
      status: 'active',
      ipAddress: p.ipAddress,
      userAgent: p.userAgent,
      impersonator: null,
      ssoConnectionId: p.sso?.connectionId ?? null,
      ssoOrganizationId: p.sso?.organizationId ?? null,
      expiresAt: new Date(now.getTime() + this.config.SESSION_TTL_SECONDS * 1000),
      endedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const user: User = { ...p.user, lastSignInAt: now };
    await this.repo.create(session, sha256Hex(refreshToken), [...p.events, sessionEvent('session.created', toSessionWire(session), p.environmentId)]);
    const accessToken = await this.accessToken(p.environmentId, user.id, session.id, p.organizationId, p.roleSlugs);
    return this.response(user, p.organizationId, accessToken, refreshToken, p.method);
  }

  async refresh(environmentId: string, refreshToken: string, organizationId: string | undefined): Promise<AuthenticationResponse> {
    const tokenHash = sha256Hex(refreshToken);
    const next = randomToken(32);
    const r = await this.repo.rotate(environmentId, tokenHash, sha256Hex(next), organizationId ?? null, new Date());
    if (r.kind === 'unknown_or_used') {
      const sessionId = await this.repo.spentTokenSession(environmentId, tokenHash);
      if (sessionId) {
        // Reuse of a rotated token: someone else holds the chain, so the whole session ends.
        await this.repo.revoke({ id: sessionId, environmentId }, new Date(), (s) => [sessionEvent('session.revoked', toSessionWire(s), environmentId)]);
        throw invalidGrant('Refresh token already used; the session has been revoked.');
      }
      throw invalidGrant('Refresh token is invalid.');
    }
    if (r.kind === 'session_ended') throw invalidGrant('Session has already ended.');
    if (r.kind === 'not_member') throw new InvalidGrantError(`The user is not an active member of the organization ${r.organizationId}.`);
    if (r.kind === 'refused_entry') throw entryRefused(r.entry, r.organizationId, r.email);
    const accessToken = await this.accessToken(environmentId, r.user.id, r.sessionId, r.organizationId, r.roleSlugs);
    return this.response(r.user, r.organizationId, accessToken, next, r.authMethod);
  }

  /** The organization-entry rule at sign-in: the session the sign-in makes may be scoped to this membership. */
  assertMayEnter(sso: SsoSignIn | null | undefined, membership: { organizationId: string; source: string; sourceConnectionId: string | null }, email: string): void {
    const entry = organizationEntry({ ssoOrganizationId: sso?.organizationId ?? null }, membership);
    if (!entry.allowed) throw entryRefused(entry, membership.organizationId, email);
  }

  async list(environmentId: string, userId: string, q: PaginationQuery): Promise<ListEnvelope<SessionWire>> {
    const page = await paginate(q, (req) => this.repo.list(environmentId, userId, req));
    const now = new Date();
    return toListEnvelope(page, (s) => toSessionWire(s, now));
  }

  /** Revokes a session of the caller's environment; an already-ended session is left as it is. */
  async revoke(environmentId: string, sessionId: string): Promise<SessionWire> {
    const ended = await this.repo.revoke({ id: sessionId, environmentId }, new Date(), (s) => [sessionEvent('session.revoked', toSessionWire(s), environmentId)]);
    if (ended) return toSessionWire(ended);
    const s = await this.repo.findById(environmentId, sessionId);
    if (!s) throw new NotFoundError('a session', sessionId);
    return toSessionWire(s);
  }

  /** organization.deleted: ends the organization's sessions with their `session.revoked` events, in the caller's transaction. */
  async revokeForOrganization(tx: Prisma.TransactionClient, environmentId: string, organizationId: string): Promise<number> {
    const ended = await this.repo.revokeForOrganization(tx, environmentId, organizationId, new Date());
    await appendToOutbox(tx, ended.map((s) => sessionEvent('session.revoked', toSessionWire(s), environmentId)));
    return ended.length;
  }

  /**
   * Logout by session ID (browser redirect, no API key): the session row itself names the
   * environment. Unknown or ended sessions are not an error, so logout is idempotent and says
   * nothing about which session IDs exist.
   */
  async logout(sessionId: string): Promise<void> {
    await this.repo.revoke({ id: sessionId }, new Date(), (s) => [sessionEvent('session.revoked', toSessionWire(s), s.environmentId)]);
  }

  private accessToken(environmentId: string, userId: string, sessionId: string, organizationId: string | null, roleSlugs: string[] | null): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { iss: this.config.PUBLIC_BASE_URL, sub: userId, sid: sessionId, jti: newUlid(), iat, exp: iat + this.config.ACCESS_TOKEN_TTL_SECONDS };
    if (organizationId) {
      const roles = rolesOf(roleSlugs ?? []);
      Object.assign(claims, { org_id: organizationId, role: roles[0], roles, permissions: [], entitlements: [], feature_flags: [] });
    }
    return this.keys.sign(environmentId, claims);
  }

  private response(user: User, organizationId: string | null, accessToken: string, refreshToken: string, method: string): AuthenticationResponse {
    return {
      user: toUserWire(user),
      ...(organizationId ? { organization_id: organizationId } : {}),
      access_token: accessToken,
      refresh_token: refreshToken,
      authentication_method: method,
    };
  }
}

function entryRefused(entry: Exclude<OrganizationEntry, { allowed: true }>, organizationId: string, email: string): Error {
  if (entry.reason === 'sso_required') return new SsoRequiredError(organizationId, email, entry.connectionId ? [entry.connectionId] : []);
  return invalidGrant(`This session was authenticated through another organization's SSO connection; sign in again to enter the organization ${organizationId}.`);
}
