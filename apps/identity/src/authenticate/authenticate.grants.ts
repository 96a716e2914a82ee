/*
 * Contract for POST /user_management/authenticate grant handlers (read this before adding one).
 *
 * - A module that owns a grant injects `AuthenticateGrants` (exported by AuthenticateModule; import
 *   that module) and calls `grants.register(grantType, { schema, eventType, handle })` in its
 *   constructor or onModuleInit. One handler per `grant_type`; registering twice throws.
 * - `schema` is a zod object for the grant's own body fields (client_id, client_secret, grant_type,
 *   ip_address, user_agent and signals_id are stripped before it runs); failures become a 422.
 * - `handle(input, ctx)` verifies the credential and returns `{ user, organizationId?, method }`, or
 *   throws a DomainError: `invalidGrant(desc)` (400 OAuth body) for a wrong/expired/used code, or
 *   `AuthFlowError` (403) for an auth-flow step. Never write session rows or tokens yourself.
 * - This module then runs the gates in order (email verification gates registered with
 *   `addGate`, MFA unless `skipMfa`, organization selection unless an organization is given),
 *   creates the session, issues the access JWT and refresh token, writes `session.created` and
 *   `authentication.<eventType>_succeeded` (or `_failed` when the handler threw a 4xx) through the
 *   outbox, and answers with the WorkOS authentication response.
 * - Pending authentication tokens (`pending_authentication_token`) are issued and consumed with
 *   `PendingAuthService` (same module); the pending row carries the user, method and organization.
 */
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { User } from '../generated/prisma/client';
import type { SignInSnapshot } from './sign-in-subject.repository';
import type { SsoSignIn } from './sso-sign-in';

/** WorkOS `authentication_method` values this service issues. */
export type AuthenticationMethod = 'Password' | 'MagicAuth' | 'SSO' | 'GoogleOAuth' | 'MicrosoftOAuth' | 'GitHubOAuth' | 'Passkey' | 'Impersonation' | 'ExternalAuth' | 'MigratedSession';

/** `type` of the `authentication.*` events (WORKOS_API.md §22). */
export type AuthEventType = 'password' | 'magic_auth' | 'email_verification' | 'mfa' | 'sso' | 'oauth';

export interface GrantContext {
  environmentId: string;
  /** `api_key` when the caller proved the API key, `public_client` for a client ID alone. */
  authKind: 'api_key' | 'public_client';
  /** The caller's client: the one the gateway resolved (public client), else the body's `client_id`. */
  clientId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  /** The caller's `device_id`, or the hosted pages' device cookie (radar/device-id.ts). */
  deviceId?: string | null;
  /** `radar_auth_attempt_id`: the radar attempt this sign-in continues. */
  radarAuthAttemptId?: string | null;
  /**
   * Work a gate leaves for after the sign-in has its answer (radar's outcome report), so that it
   * does not compete with issuing the session: the authenticate flow runs it once the answer is
   * ready or refused. Absent where a caller drives the gates itself: the work then runs at once.
   */
  afterAnswer?: (() => void)[];
}

export interface GrantResult {
  user: User;
  /** The organization the session is for, when the grant fixes it (else selection may be asked for). */
  organizationId?: string | null;
  method: AuthenticationMethod;
  /** True when this grant itself completed the MFA step (the TOTP grant). */
  skipMfa?: boolean;
  /** Email for the success event when it differs from the user's (rare). */
  email?: string;
  /** The SSO connection the sign-in went through, if any; gates may update it (identity linking). */
  sso?: SsoSignIn | null;
  /** The hosted pages' device cookie of the browser that signed in (an authorization code's exchange). */
  deviceId?: string | null;
  /**
   * The radar attempt that assessed this sign-in: set by the radar gate, kept by every pending
   * step (PendingAuthentication.radarAttemptId) and restored by the grant that continues it.
   */
  radarAttemptId?: string | null;
  /**
   * The user's TOTP factors and active memberships, read with the user (the password grant): the
   * MFA and organization steps use them instead of reading again while it is `user`'s.
   */
  snapshot?: SignInSnapshot | null;
}

export interface GrantSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** Which `authentication.*` events this grant writes; omit for none (refresh). */
  eventType?: AuthEventType;
  /** Email of the attempt for the failure event, read from the parsed input. */
  emailOf?: (input: z.infer<S>) => string | null;
  /** Rate-limit key (per email / challenge, WORKOS_API.md §3.4) read from the parsed input. */
  throttleKeyOf?: (input: z.infer<S>) => string | null;
  /** PKCE public clients (no API key) may use this grant (authorization_code only). */
  allowPublicClient?: boolean;
  handle: (input: z.infer<S>, ctx: GrantContext) => Promise<GrantResult>;
}

/**
 * A gate runs after a grant resolved a user and before tokens are issued. It returns normally
 * to let the sign-in continue or throws an AuthFlowError (e.g. email_verification_required).
 */
export type Gate = (result: GrantResult, ctx: GrantContext & { grantType: string }) => Promise<void>;

/**
 * Work that may start as soon as a grant knows who is signing in, before it checks the credential
 * (radar's assessment runs beside the password hash). A hook must not throw or block: it only
 * starts work, which a gate of the same module awaits by `ctx` (the same object reaches the
 * gates) and which is dropped when the credential turns out wrong.
 */
export type SubjectHook = (user: User, method: AuthenticationMethod, ctx: GrantContext) => void;

@Injectable()
export class AuthenticateGrants {
  private readonly specs = new Map<string, GrantSpec>();
  private readonly gates: Gate[] = [];
  private readonly subjectHooks: SubjectHook[] = [];
  private mfaPolicy: (environmentId: string) => Promise<boolean> = async () => false;

  register<S extends z.ZodType>(grantType: string, spec: GrantSpec<S>): void {
    if (this.specs.has(grantType)) throw new Error(`grant_type ${grantType} is registered twice`);
    this.specs.set(grantType, spec as unknown as GrantSpec);
  }

  /** Gates run in registration order, before the MFA and organization-selection steps. */
  addGate(gate: Gate): void {
    this.gates.push(gate);
  }

  addSubjectHook(hook: SubjectHook): void {
    this.subjectHooks.push(hook);
  }

  /** A grant found the user it will check the credential of. */
  subjectKnown(user: User, method: AuthenticationMethod, ctx: GrantContext): void {
    for (const hook of this.subjectHooks) hook(user, method, ctx);
  }

  /** Per-environment "users must enrol in MFA" (the hosted pages' setting), on top of MFA_REQUIRED. */
  setMfaPolicy(policy: (environmentId: string) => Promise<boolean>): void {
    this.mfaPolicy = policy;
  }

  mfaRequired(environmentId: string): Promise<boolean> {
    return this.mfaPolicy(environmentId);
  }

  get(grantType: string): GrantSpec | undefined {
    return this.specs.get(grantType);
  }

  allGates(): readonly Gate[] {
    return this.gates;
  }

  grantTypes(): string[] {
    return [...this.specs.keys()];
  }
}
