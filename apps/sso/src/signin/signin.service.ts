import { Inject, Injectable } from '@nestjs/common';
import { type Logger } from '@wos/platform';
import { LOGGER } from '../config';
import { authenticationEvent } from '../connections/connections.events';
import type { ConnectionWithDomains } from '../connections/connections.dto';
import { normaliseProfile, ProfileRejection, type ProfileWire } from '../profiles/profile-normaliser';
import { SignInRepository } from './signin.repository';
import { SignInStateStore, type OAuthTokensWire } from './signin-state.store';
import { SignInFailedError } from './signin.errors';
import { OrganizationPolicyService } from './organization-policy.service';

/** The client ID of the Admin Portal's connection self-test (never an environment's: those are `client_…`). */
export const PORTAL_TEST_CLIENT_ID = 'admin-portal';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface Completion {
  connection: ConnectionWithDomains;
  redirectUri: string;
  state?: string;
  clientId?: string;
  codeChallenge?: string;
  subject: string;
  attributes: Record<string, unknown>;
  /** The address the provider itself proved (OIDC/OAuth only); SAML never sets it. */
  verifiedEmail?: string;
  oauthTokens?: OAuthTokensWire;
  /** The portal's self-test (PendingSignIn.selfTest): a refusal is answered to its redirect URI. */
  selfTest?: boolean;
}

/**
 * The end of every sign-in, whatever the protocol: normalise the profile, apply the
 * organization's domain policy, record the profile with its authentication.sso_succeeded event,
 * and issue the one-time code; or record the refusal as authentication.sso_failed and raise it.
 * Invariant: `email_verified` is true only when the provider proved exactly this address and it
 * came from an email attribute, never from a username or the NameID.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly repo: SignInRepository,
    private readonly store: SignInStateStore,
    private readonly policy: OrganizationPolicyService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns the redirect_uri carrying the code (and the caller's state). */
  async complete(c: Completion, client: ClientInfo): Promise<string> {
    const conn = c.connection;
    const mapping = (conn.settings as { attribute_map?: Record<string, string> }).attribute_map;
    let normalised;
    let emailFromEmailAttribute;
    try {
      ({ profile: normalised, emailFromEmailAttribute } = normaliseProfile(c.subject, c.attributes, mapping));
    } catch (err) {
      if (err instanceof ProfileRejection) return this.failOrReport(c, err.reason, err.message, client);
      throw err;
    }
    const refusal = await this.policy.refusal(conn, normalised.email);
    if (refusal) return this.failOrReport(c, refusal.reason, refusal.message, client, normalised.email);
    const emailVerified = emailFromEmailAttribute && c.verifiedEmail !== undefined && c.verifiedEmail.trim().toLowerCase() === normalised.email;
    const success = authenticationEvent(
      'authentication.sso_succeeded',
      { type: 'sso', status: 'succeeded', email: normalised.email, ip_address: client.ip, user_agent: client.userAgent, user_id: null, sso: { connection_id: conn.id, organization_id: conn.organizationId } },
      conn.environmentId,
    );
    const id = await this.repo.upsertProfile(conn.environmentId, conn.id, { idpId: normalised.idp_id, email: normalised.email, emailVerified }, [success]);
    const { idp_id, email, ...rest } = normalised;
    const profile: ProfileWire = {
      object: 'profile',
      id,
      idp_id,
      organization_id: conn.organizationId,
      connection_id: conn.id,
      connection_type: conn.connectionType,
      email,
      email_verified: emailVerified,
      ...rest,
    };
    const code = await this.store.issueCode({
      environmentId: conn.environmentId,
      clientId: c.clientId,
      redirectUri: c.redirectUri,
      codeChallenge: c.codeChallenge,
      profile,
      oauthTokens: c.oauthTokens,
    });
    const url = new URL(c.redirectUri);
    url.searchParams.set('code', code);
    if (c.state !== undefined) url.searchParams.set('state', c.state);
    return url.toString();
  }

  /**
   * A refused sign-in: for the portal's self-test, recorded like any refusal and answered to the
   * portal's callback as `error=<reason>` (never a code: the test's diagnostics, not a sign-in);
   * otherwise `fail`.
   */
  async failOrReport(c: Pick<Completion, 'connection' | 'redirectUri' | 'state' | 'selfTest'>, reason: string, message: string, client: ClientInfo, email: string | null = null): Promise<string> {
    try {
      return await this.fail(c.connection.environmentId, c.connection, reason, message, client, email);
    } catch (err) {
      if (!c.selfTest || !(err instanceof SignInFailedError)) throw err;
      const url = new URL(c.redirectUri);
      url.searchParams.set('error', reason);
      url.searchParams.set('error_description', message.slice(0, 500));
      if (c.state !== undefined) url.searchParams.set('state', c.state);
      return url.toString();
    }
  }

  /** Records authentication.sso_failed for the environment and throws the user-facing error. */
  async fail(environmentId: string, conn: ConnectionWithDomains | undefined, reason: string, message: string, client: ClientInfo, email: string | null = null): Promise<never> {
    const event = authenticationEvent(
      'authentication.sso_failed',
      {
        type: 'sso',
        status: 'failed',
        email,
        ip_address: client.ip,
        user_agent: client.userAgent,
        user_id: null,
        error: { code: reason, message },
        sso: { connection_id: conn?.id ?? null, organization_id: conn?.organizationId ?? null },
      },
      environmentId,
    );
    try {
      await this.repo.appendEvents(environmentId, [event]);
    } catch (err) {
      // The user still gets the precise refusal; the lost event is logged loudly.
      this.logger.error({ err, reason, connectionId: conn?.id }, 'could not record authentication.sso_failed');
    }
    throw new SignInFailedError(reason, message);
  }
}
