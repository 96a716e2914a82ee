import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appendToOutbox, DomainError, OutboxGroupAppender, RateLimitedError, ValidationError, toFieldErrors, type OutboxMessage } from '@wos/platform';
import type { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config';
import { PrismaService } from '../infra/prisma.service';
import { MembershipsService } from '../memberships/memberships.service';
import { MfaService } from '../mfa/mfa.service';
import { InvitationsService } from '../invitations/invitations.service';
import { SessionsService, type AuthenticationResponse } from '../sessions/sessions.service';
import { authenticationEvent } from '../sessions/sessions.events';
import { PasswordsService } from '../passwords/passwords.service';
import { UsersService } from '../users/users.service';
import { toUserWire } from '../users/users.dto';
import { AuthenticateGrants, type GrantContext, type GrantResult, } from './authenticate.grants';
import { AuthFlowError, invalidGrant, InvalidGrantError } from './authenticate.errors';
import { AuthenticateThrottle } from './authenticate.throttle';
import { PendingAuthService } from './pending-auth.service';
import { SignInSubjectRepository, type SignInSnapshot } from './sign-in-subject.repository';
import { ssoSignInOf } from './sso-sign-in';
import { BASE_FIELDS, baseAuthenticateSchema, organizationSelectionGrantSchema, passwordGrantSchema, refreshGrantSchema, totpGrantSchema } from './authenticate.dto';

/** What a session would be issued for once every gate passed (the hosted pages issue a code for it). */
/**
 * What a session would be issued for once every gate passed, MFA included (the hosted pages
 * issue a code for it, and the code's exchange skips the MFA step that already ran).
 */
export type ResolvedSignIn = GrantResult & { organizationId: string | null; roleSlugs: string[] | null };

export const GRANT = {
  password: 'password',
  refreshToken: 'refresh_token',
  organizationSelection: 'urn:workos:oauth:grant-type:organization-selection',
  totp: 'urn:workos:oauth:grant-type:mfa-totp',
} as const;

/**
 * POST /user_management/authenticate. Order: throttle, grant handler, gates (registered, then
 * MFA, then organization selection), session. Invariants: a wrong email and a wrong password
 * answer identically (same body, one argon2 verification either way); an organization is only
 * put in a token after an active-membership check; every outcome writes its events through the
 * outbox in the transaction that records it.
 */
@Injectable()
export class AuthenticateService implements OnModuleInit {
  constructor(
    private readonly grants: AuthenticateGrants,
    private readonly pending: PendingAuthService,
    private readonly throttle: AuthenticateThrottle,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly passwords: PasswordsService,
    private readonly memberships: MembershipsService,
    private readonly mfa: MfaService,
    private readonly invitations: InvitationsService,
    private readonly prisma: PrismaService,
    private readonly subjects: SignInSubjectRepository,
    /** Event-only appends (a step's success, a refused attempt): nothing else commits with them. */
    private readonly events: OutboxGroupAppender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.grants.register(GRANT.password, {
      schema: passwordGrantSchema,
      eventType: 'password',
      emailOf: (i) => i.email,
      throttleKeyOf: (i) => i.email,
      handle: async (i, ctx) => {
        // The user, its TOTP factors and active memberships in one statement (the only read).
        const subject = await this.subjects.byEmail(ctx.environmentId, i.email);
        const user = subject?.user ?? null;
        if (user) this.grants.subjectKnown(user, 'Password', ctx);
        const ok = await this.users.checkPassword(ctx.environmentId, user, i.password);
        if (!user || !ok) throw new DomainError(400, 'invalid_credentials', 'Invalid credentials.');
        // Signing in with an invitation accepts it and signs in to its organization.
        const organizationId = i.invitation_token ? (await this.invitations.acceptByToken(ctx.environmentId, i.invitation_token, user)).organization_id : undefined;
        return { user, method: 'Password', snapshot: subject!.snapshot, ...(organizationId ? { organizationId } : {}) };
      },
    });
    this.grants.register(GRANT.organizationSelection, {
      schema: organizationSelectionGrantSchema,
      handle: async (i, ctx) => {
        const p = await this.pending.consume(ctx.environmentId, i.pending_authentication_token, ['organization_selection']);
        const user = await this.users.mustFind(ctx.environmentId, p.userId);
        return { user, organizationId: i.organization_id, method: p.authMethod as GrantResult['method'], sso: ssoSignInOf(p.sso), skipMfa: true, radarAttemptId: p.radarAttemptId };
      },
    });
    this.grants.register(GRANT.totp, {
      schema: totpGrantSchema,
      eventType: 'mfa',
      throttleKeyOf: (i) => i.authentication_challenge_id,
      handle: async (i, ctx) => {
        const p = await this.pending.peek(ctx.environmentId, i.pending_authentication_token, ['mfa_challenge', 'mfa_enrollment']);
        const { valid } = await this.mfa.verify(ctx.environmentId, i.authentication_challenge_id, i.code, p.userId).catch((err) => {
          // Over the attempt cap stays a 429 (Retry-After); other refusals are an invalid challenge.
          throw err instanceof DomainError && err.status < 500 && !(err instanceof RateLimitedError) ? invalidGrant('The authentication challenge is invalid.') : err;
        });
        if (!valid) throw new DomainError(400, 'invalid_one_time_code', 'The one-time code is invalid or has expired.');
        await this.pending.consume(ctx.environmentId, i.pending_authentication_token, ['mfa_challenge', 'mfa_enrollment']);
        const user = await this.users.mustFind(ctx.environmentId, p.userId);
        return { user, organizationId: p.organizationId, method: p.authMethod as GrantResult['method'], sso: ssoSignInOf(p.sso), skipMfa: true, radarAttemptId: p.radarAttemptId };
      },
    });
  }

  async authenticate(environmentId: string, authKind: 'api_key' | 'public_client', rawBody: unknown, signedClientId?: string): Promise<AuthenticationResponse> {
    return this.run(environmentId, authKind, rawBody, signedClientId, (result, ctx, events) => this.complete(result, ctx, events));
  }

  /**
   * The hosted pages' sign-in step: the same grant, throttles and gates as authenticate(), but it
   * stops before the session (the pages issue an authorization code instead). The step's success
   * event is written here; an auth-flow step throws its AuthFlowError as the API would.
   */
  async resolveGrant(environmentId: string, rawBody: Record<string, unknown> & { grant_type: string }, clientId: string): Promise<ResolvedSignIn> {
    if (rawBody.grant_type === GRANT.refreshToken) throw new InvalidGrantError('A refresh token does not sign in.', 'unsupported_grant_type');
    return this.run(environmentId, 'api_key', { ...rawBody, client_id: clientId }, clientId, (result, ctx, events) => this.resolveAndRecord(result, ctx, events)) as Promise<ResolvedSignIn>;
  }

  /** Like resolveGrant for a sign-in the caller proved itself (a hosted sign-up's verified email). */
  async resolveAndRecord(result: GrantResult, ctx: GrantContext & { grantType: string }, events: OutboxMessage[]): Promise<ResolvedSignIn> {
    const resolved = await this.resolve(result, ctx, events);
    if (events.length) await this.events.append(events);
    return resolved;
  }

  private async run<T>(
    environmentId: string,
    authKind: 'api_key' | 'public_client',
    rawBody: unknown,
    signedClientId: string | undefined,
    finish: (result: GrantResult, ctx: GrantContext & { grantType: string }, events: OutboxMessage[]) => Promise<T>,
  ): Promise<T | AuthenticationResponse> {
    const body = (rawBody && typeof rawBody === 'object' ? rawBody : {}) as Record<string, unknown>;
    const base = parse(baseAuthenticateSchema, body);
    const afterAnswer: (() => void)[] = [];
    // The handler and the gates get this same object (subject hooks key their work on it).
    // The caller is usually the customer's backend: the end user's IP is only known when it sends
    // `ip_address`, so per-IP throttling keys on that, never on the transport address (which
    // would make one backend's users share a single bucket).
    const ctx: GrantContext & { grantType: string } = {
      grantType: base.grant_type,
      environmentId,
      authKind,
      clientId: signedClientId ?? base.client_id ?? null,
      ipAddress: base.ip_address ?? null,
      userAgent: base.user_agent ?? null,
      deviceId: base.device_id ?? null,
      radarAuthAttemptId: base.radar_auth_attempt_id ?? null,
      afterAnswer,
    };
    const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !BASE_FIELDS.includes(k)));

    if (base.grant_type === GRANT.refreshToken) {
      const input = parse(refreshGrantSchema, rest);
      return this.sessions.refresh(environmentId, input.refresh_token, input.organization_id);
    }
    const spec = this.grants.get(base.grant_type);
    if (!spec) throw new InvalidGrantError(`The grant type ${base.grant_type} is not supported.`, 'unsupported_grant_type');
    if (authKind !== 'api_key' && !spec.allowPublicClient) throw new InvalidGrantError('This grant requires the client secret (an API key).', 'invalid_client');
    const input: unknown = parse(spec.schema, rest);

    // Per IP, then per email (or challenge): one Redis round trip; a refusal by the IP's counter spends nothing of the email's.
    const key = spec.throttleKeyOf?.(input as never);
    await this.throttle.hitAll(environmentId, [
      ...(ctx.ipAddress ? [{ scope: 'ip' as const, value: ctx.ipAddress, limit: this.config.AUTH_IP_LIMIT_PER_MINUTE }] : []),
      ...(key ? [{ scope: 'email' as const, value: key, limit: this.config.AUTH_EMAIL_LIMIT_PER_MINUTE }] : []),
    ]);

    let result: GrantResult;
    try {
      result = await spec.handle(input as never, ctx);
    } catch (err) {
      if (spec.eventType && err instanceof DomainError && err.status < 500 && !(err instanceof AuthFlowError) && !(err instanceof RateLimitedError)) {
        const ev = authenticationEvent(spec.eventType, { status: 'failed', email: spec.emailOf?.(input as never) ?? null, ip_address: ctx.ipAddress, user_agent: ctx.userAgent, user_id: null, error: { code: err.code, message: err.message } }, environmentId);
        if (ev) await this.events.append([ev]);
      }
      throw err;
    }
    const succeeded = spec.eventType
      ? authenticationEvent(spec.eventType, { status: 'succeeded', email: result.email ?? result.user.email, ip_address: ctx.ipAddress, user_agent: ctx.userAgent, user_id: result.user.id }, environmentId)
      : null;
    try {
      return await finish(result, ctx, succeeded ? [succeeded] : []);
    } finally {
      for (const work of afterAnswer) work();
    }
  }

  /** Runs the gates and issues the session. Exposed for grants that finish outside this flow. */
  async complete(result: GrantResult, ctx: GrantContext & { grantType: string }, events: OutboxMessage[]): Promise<AuthenticationResponse> {
    const r = await this.resolve(result, ctx, events);
    return this.sessions.issue({ environmentId: ctx.environmentId, user: r.user, organizationId: r.organizationId, roleSlugs: r.roleSlugs, method: r.method, sso: r.sso ?? null, ipAddress: ctx.ipAddress, userAgent: ctx.userAgent, events });
  }

  /**
   * The gates (registered, MFA, organization) without the session: what a session would be
   * issued for. Throws the AuthFlowError of the next step (with its pending token).
   */
  private async resolve(result: GrantResult, ctx: GrantContext & { grantType: string }, events: OutboxMessage[]): Promise<ResolvedSignIn> {
    const env = ctx.environmentId;
    for (const gate of this.grants.allGates()) await gate(result, ctx);
    // An SSO identity whose email is not proven never gets a session (the gates ask for the code).
    if (result.sso?.linkPending) throw invalidGrant('The email address of this sign-in must be verified first.');
    // Read with the user by the grant, while the gates left the sign-in to that user.
    const snapshot = result.snapshot?.userId === result.user.id ? result.snapshot : null;
    if (!result.skipMfa) await this.mfaGate(result, ctx, events, snapshot);

    let organizationId = result.organizationId ?? null;
    let roleSlugs: string[] | null = null;
    // A grant's own organization (an invitation accepted after the snapshot) is always read.
    if (organizationId) {
      const m = await this.memberships.activeFor(env, result.user.id, organizationId);
      if (!m) throw invalidGrant(`The user is not an active member of the organization ${organizationId}.`);
      this.sessions.assertMayEnter(result.sso, m, result.user.email);
      roleSlugs = m.roleSlugs;
    } else {
      const active = snapshot?.activeMemberships ?? (await this.memberships.activeForUser(env, result.user.id));
      if (active.length > 1) {
        const token = await this.issuePending(ctx, result, 'organization_selection', events);
        throw new AuthFlowError('organization_selection_required', 'The user must choose an organization to finish authenticating.', {
          pending_authentication_token: token,
          user: toUserWire(result.user),
          organizations: active.map((m) => ({ id: m.organizationId, name: m.organizationName })),
        });
      }
      if (active.length === 1) {
        this.sessions.assertMayEnter(result.sso, active[0]!, result.user.email);
        organizationId = active[0]!.organizationId;
        roleSlugs = active[0]!.roleSlugs;
      }
    }
    return { ...result, organizationId, roleSlugs };
  }

  /** A user with a TOTP factor must pass a challenge; with MFA required and none, must enrol. */
  private async mfaGate(result: GrantResult, ctx: GrantContext, events: OutboxMessage[], snapshot: SignInSnapshot | null): Promise<void> {
    const factors = snapshot?.totpFactors ?? (await this.mfa.totpFactorsOfUser(ctx.environmentId, result.user.id));
    if (factors.length) {
      const token = await this.issuePending(ctx, result, 'mfa_challenge', events);
      throw new AuthFlowError('mfa_challenge', 'The user must complete an MFA challenge to finish authenticating.', {
        pending_authentication_token: token,
        user: toUserWire(result.user),
        authentication_factors: factors.map((f) => ({ id: f.id, type: f.type })),
      });
    }
    if (this.config.MFA_REQUIRED || (await this.grants.mfaRequired(ctx.environmentId))) {
      const token = await this.issuePending(ctx, result, 'mfa_enrollment', events);
      throw new AuthFlowError('mfa_enrollment', 'The user must enroll in MFA to finish authenticating.', { pending_authentication_token: token, user: toUserWire(result.user) });
    }
  }

  /** The pending token and the step's events (e.g. password_succeeded) commit together. */
  private issuePending(ctx: GrantContext, result: GrantResult, kind: 'organization_selection' | 'mfa_challenge' | 'mfa_enrollment', events: OutboxMessage[]): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const token = await this.pending.issue(
        { environmentId: ctx.environmentId, userId: result.user.id, kind, method: result.method, organizationId: result.organizationId, sso: result.sso, ipAddress: ctx.ipAddress, userAgent: ctx.userAgent, radarAttemptId: result.radarAttemptId },
        tx,
      );
      await appendToOutbox(tx, events);
      return token;
    });
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(toFieldErrors(r.error.issues));
  return r.data;
}
