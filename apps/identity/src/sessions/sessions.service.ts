import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
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
import { UsersService } from '../users/users.service';
import { SessionsRepository, type Rotated } from './sessions.repository';
import { openSuccessor, sealSuccessor } from './refresh-successor';
import { RedirectUrisClient } from './redirect-uris.client';
import { sessionEvent } from './sessions.events';
import { toSessionWire } from './sessions.dto';
import { organizationEntry, type OrganizationEntry } from './organization-entry';
import { RoleClaimsService } from '../role-claims/role-claims.service';
import { FlagClaimsService } from '../flag-claims/flag-claims.service';
import { JwtTemplatesService } from '../jwt-templates/jwt-templates.service';

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
 * How long a spent refresh token still yields its successor: two tabs refreshing at once, or a
 * retry after a lost response, are not theft. Short, because within it a stolen spent token works too.
 */
export const REFRESH_REUSE_GRACE_MS = 20_000;

/** What a logout did: where to send the browser, when `return_to` was proven to be the app's. */
export interface LogoutOutcome {
  redirectTo?: string;
  /** The browser clients whose refresh cookie held this session's token (their cookies go). */
  endedClientIds?: string[];
}

/**
 * Sessions, refresh tokens and access tokens. Invariants: refresh tokens are 256-bit random,
 * stored only as SHA-256, and single use; presenting a spent token again revokes its whole
 * session (theft detection), except within REFRESH_REUSE_GRACE_MS while its successor is still
 * unused, when the same successor is answered again; an access token names an organization
 * only when the user is an active member of it.
 */
@Injectable()
export class SessionsService implements OnModuleInit {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly keys: SigningKeysService,
    private readonly users: UsersService,
    private readonly redirectUris: RedirectUrisClient,
    private readonly roleClaims: RoleClaimsService,
    private readonly flagClaims: FlagClaimsService,
    private readonly jwtTemplates: JwtTemplatesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // A password change (PUT users/:id, reset) ends every session in its own transaction.
    this.users.setSessionRevoker(async (tx, environmentId, userId) => {
      const ended = await this.repo.revokeAllOfUser(tx, environmentId, userId, new Date());
      await appendToOutbox(tx, ended.map((s) => sessionEvent('session.revoked', toSessionWire(s), environmentId)));
    });
  }

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
    const accessToken = await this.accessToken(p.environmentId, user, session.id, p.organizationId, p.roleSlugs);
    return this.response(user, p.organizationId, accessToken, refreshToken, p.method);
  }

  async refresh(environmentId: string, refreshToken: string, organizationId: string | undefined): Promise<AuthenticationResponse> {
    const tokenHash = sha256Hex(refreshToken);
    const next = randomToken(32);
    const sealed = sealSuccessor(refreshToken, next, tokenHash);
    const r = await this.repo.rotate(environmentId, tokenHash, sha256Hex(next), sealed, organizationId ?? null, new Date());
    if (r.kind === 'unknown_or_used') return this.reused(environmentId, refreshToken, tokenHash, organizationId);
    if (r.kind === 'session_ended') throw invalidGrant('Session has already ended.');
    if (r.kind === 'not_member') throw new InvalidGrantError(`The user is not an active member of the organization ${r.organizationId}.`);
    if (r.kind === 'refused_entry') throw entryRefused(r.entry, r.organizationId, r.email);
    return this.answer(environmentId, r, next);
  }

  /**
   * A token that did not rotate because it is unknown or spent. Within the grace window, while
   * the successor it was spent for is unused, answers that successor (the same refresh token,
   * a fresh access token for it), so concurrent refreshes of one token all succeed on one chain.
   * Any other reuse means someone else holds the chain, so the whole session ends.
   */
  private async reused(environmentId: string, refreshToken: string, tokenHash: string, organizationId: string | undefined): Promise<AuthenticationResponse> {
    const spent = await this.repo.spentToken(environmentId, tokenHash);
    if (!spent) throw invalidGrant('Refresh token is invalid.');
    const now = new Date();
    const successor = spent.successorSealed && now.getTime() - spent.usedAt.getTime() <= REFRESH_REUSE_GRACE_MS ? openSuccessor(refreshToken, spent.successorSealed, tokenHash) : null;
    const live = successor ? await this.repo.liveToken(environmentId, sha256Hex(successor), now) : null;
    if (successor && live) {
      // A different organization than the successor's was asked for: refuse, but this is no theft.
      if (organizationId !== undefined && organizationId !== live.organizationId) throw invalidGrant('Refresh token already used.');
      return this.answer(environmentId, live, successor);
    }
    await this.repo.revoke({ id: spent.sessionId, environmentId }, now, (s) => [sessionEvent('session.revoked', toSessionWire(s), environmentId)]);
    throw invalidGrant('Refresh token already used; the session has been revoked.');
  }

  private async answer(environmentId: string, r: Rotated, refreshToken: string): Promise<AuthenticationResponse> {
    const accessToken = await this.accessToken(environmentId, r.user, r.sessionId, r.organizationId, r.roleSlugs);
    return this.response(r.user, r.organizationId, accessToken, refreshToken, r.authMethod);
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
   * Logout by session ID (a browser redirect without API key; WORKOS_API.md §7.3). The session ID
   * is the proof: 80 random bits that only the session's own access tokens and API-key holders
   * see. The session row names the environment, and `return_to` is followed only when it is
   * exactly one of that environment's registered redirect URIs (asked at the gateway), so an
   * unknown session ID redirects nowhere and a foreign app's URI is ignored. Ending an already
   * ended session is not an error, so logout is idempotent.
   */
  /**
   * Ends the session. `return_to` is followed only when it is one of the environment's redirect
   * URIs; without one, the environment's app homepage URL is (WorkOS's default sign-out redirect).
   */
  async logout(sessionId: string, returnTo: string | undefined, refreshCookies: { clientId: string; token: string }[] = []): Promise<LogoutOutcome> {
    const session = await this.repo.findAnyById(sessionId);
    if (!session) return {};
    const env = session.environmentId;
    await this.repo.revoke({ id: session.id, environmentId: env }, new Date(), (s) => [sessionEvent('session.revoked', toSessionWire(s), s.environmentId)]);
    const mine = refreshCookies.length ? await this.repo.tokensOfSession(env, session.id, refreshCookies.map((c) => sha256Hex(c.token))) : [];
    const endedClientIds = refreshCookies.filter((c) => mine.includes(sha256Hex(c.token))).map((c) => c.clientId);
    const redirectTo = returnTo ? ((await this.redirectUris.isRegistered(env, returnTo)) ? returnTo : null) : await this.redirectUris.homepage(env);
    return { ...(redirectTo ? { redirectTo } : {}), endedClientIds };
  }

  /**
   * `role`, `roles` and `permissions` come from authorization's catalogue (RoleClaimsService),
   * `feature_flags` from the organizations service (FlagClaimsService); both asked at once. The
   * environment's JWT template adds custom claims, written first so no platform claim is ever
   * one of its values.
   */
  private async accessToken(environmentId: string, user: User, sessionId: string, organizationId: string | null, roleSlugs: string[] | null): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { iss: this.config.PUBLIC_BASE_URL, sub: user.id, sid: sessionId, jti: newUlid(), iat, exp: iat + this.config.ACCESS_TOKEN_TTL_SECONDS };
    const [custom, organization, featureFlags] = await Promise.all([
      this.jwtTemplates.claimsFor(environmentId, user, organizationId, roleSlugs),
      organizationId ? this.roleClaims.forToken(environmentId, organizationId, rolesOf(roleSlugs ?? [])) : null,
      this.flagClaims.forToken(environmentId, organizationId, user.id),
    ]);
    if (organization) {
      const { role, roles, permissions } = organization;
      Object.assign(claims, { org_id: organizationId, role, roles, permissions, entitlements: [] });
    }
    // Flags targeted at the user apply with or without an organization (the SDK's evaluator).
    claims.feature_flags = featureFlags;
    return this.keys.sign(environmentId, { ...custom, ...claims });
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
