import { Inject, Injectable } from '@nestjs/common';
import type { Configuration } from 'openid-client' with { 'resolution-mode': 'import' };
import { BadRequestError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import type { ConnectionWithDomains, OAuthSettings, OAuthType, OidcSettings } from '../connections/connections.dto';
import { idpUrlPolicy } from '../infra/idp-fetch';
import { SignInService, type ClientInfo } from '../signin/signin.service';
import { SignInStateStore, type OAuthTokensWire, type PendingSignIn } from '../signin/signin-state.store';
import { SignInFailedError } from '../signin/signin.errors';
import { oauthEndpoints, readOAuthProfile, type ProviderProfile } from './oauth-providers';
import {
  OidcRejection,
  oauthConfiguration,
  providerConfiguration,
  providerUserInfo,
  redeemOAuthCode,
  redeemProviderCode,
  type RelyingPartyOptions,
} from './relying-party';

export interface CallbackQuery {
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  error_description?: string;
}

/* Claims about the sign-in itself, not the user: never part of the profile. */
const NOT_PROFILE_CLAIMS = ['nonce', 'at_hash', 'c_hash', 'auth_time'];

/**
 * The OIDC / OAuth redirect back from the IdP. The `state` is our pending sign-in's one-time
 * ID, so a callback is accepted once, and only for the connection that started it. The
 * relying party is openid-client (state, PKCE, nonce, ID token claims and signature), and every
 * request it makes goes through the guarded idpFetch.
 */
@Injectable()
export class OidcCallbackService {
  /* openid-client configurations per connection version: each caches its IdP's JWKS. */
  private readonly providers = new Map<string, { version: number; config: Configuration }>();

  constructor(
    private readonly connections: ConnectionsService,
    private readonly signIn: SignInService,
    private readonly store: SignInStateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async callback(q: CallbackQuery, client: ClientInfo): Promise<string> {
    const pending = typeof q.state === 'string' ? await this.store.takePending(q.state) : undefined;
    if (!pending || !pending.upstreamVerifier) throw new SignInFailedError('invalid_state', 'The sign-in state is unknown, expired or already used.');
    const conn = await this.connections.findForCallback(pending.connectionId);
    if (!conn || conn.environmentId !== pending.environmentId) throw new SignInFailedError('connection_not_found', 'The connection of this sign-in no longer exists.');
    const fail = (reason: string, message: string) => this.signIn.fail(conn.environmentId, conn, reason, message, client);
    if (conn.state !== 'active') return fail('connection_inactive', `Connection ${conn.id} is ${conn.state}, not active.`);
    if (q.error) return fail('idp_error', `The IdP refused the sign-in: ${q.error}${q.error_description ? ` (${q.error_description})` : ''}.`);
    if (typeof q.code !== 'string' || !q.code) return fail('missing_code', 'The IdP sent no authorization code.');

    let signedIn: ProviderProfile & { oauthTokens?: OAuthTokensWire };
    try {
      signedIn = conn.protocol === 'oidc' ? await this.oidc(conn, pending, q) : await this.oauth(conn, pending, q);
    } catch (err) {
      if (err instanceof OidcRejection) return fail(err.reason, err.message);
      // The guarded fetch's refusals (address not allowed, unreachable, too large) are the IdP's fault.
      if (err instanceof BadRequestError) return fail(err.code, err.message);
      throw err;
    }
    return this.signIn.complete(
      { connection: conn, redirectUri: pending.redirectUri, state: pending.state, clientId: pending.clientId, codeChallenge: pending.codeChallenge, selfTest: pending.selfTest, ...signedIn },
      client,
    );
  }

  private get rp(): RelyingPartyOptions {
    return { ...idpUrlPolicy(this.config), skewSeconds: this.config.SSO_CLOCK_SKEW_SECONDS };
  }

  /* Our redirect_uri with the parameters the IdP sent back; `iss` only for OIDC (RFC 9207). */
  private callbackUrl(q: CallbackQuery, withIssuer: boolean): URL {
    const url = new URL(`${this.config.PUBLIC_BASE_URL}/sso/oidc/callback`);
    url.searchParams.set('code', q.code!);
    url.searchParams.set('state', q.state!);
    if (withIssuer && typeof q.iss === 'string') url.searchParams.set('iss', q.iss);
    return url;
  }

  private async oidc(conn: ConnectionWithDomains, pending: PendingSignIn, q: CallbackQuery): Promise<ProviderProfile> {
    const s = conn.settings as unknown as OidcSettings;
    const config = await this.providerFor(conn, s);
    const { claims, accessToken } = await redeemProviderCode(config, { callbackUrl: this.callbackUrl(q, true), state: q.state!, verifier: pending.upstreamVerifier!, nonce: pending.nonce! });
    let attributes: Record<string, unknown> = { ...claims };
    let proof: Record<string, unknown> = claims;
    if (!claims.email && s.userinfo_endpoint && accessToken) {
      const info = await providerUserInfo(config, accessToken, claims.sub);
      attributes = { ...info, ...claims };
      proof = info;
    }
    for (const k of NOT_PROFILE_CLAIMS) delete attributes[k];
    // The provider vouches for the address only with email_verified === true next to it (C2).
    const verifiedEmail = proof.email_verified === true && typeof proof.email === 'string' ? proof.email : undefined;
    return { subject: String(claims.sub), attributes, verifiedEmail };
  }

  private async oauth(conn: ConnectionWithDomains, pending: PendingSignIn, q: CallbackQuery): Promise<ProviderProfile & { oauthTokens: OAuthTokensWire }> {
    const s = conn.settings as unknown as OAuthSettings;
    const e = oauthEndpoints(conn.connectionType as OAuthType, s, this.config);
    let idToken: string | undefined;
    const config = await oauthConfiguration(e, s.client_id, this.connections.openSecret(conn)!, this.rp, (t) => (idToken = t));
    const tokens = await redeemOAuthCode(config, { callbackUrl: this.callbackUrl(q, false), state: q.state!, verifier: pending.upstreamVerifier! });
    const profile = await readOAuthProfile(conn.connectionType as OAuthType, config, e, tokens.access_token, idToken, s.client_id);
    const oauthTokens: OAuthTokensWire = {
      access_token: tokens.access_token,
      ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
      ...(typeof tokens.expires_in === 'number' ? { expires_at: Math.floor(Date.now() / 1000) + tokens.expires_in } : {}),
      scopes: (tokens.scope ?? '').split(/[ ,]+/).filter(Boolean),
    };
    return { ...profile, oauthTokens };
  }

  private async providerFor(conn: ConnectionWithDomains, s: OidcSettings): Promise<Configuration> {
    const version = conn.updatedAt.getTime();
    const cached = this.providers.get(conn.id);
    if (cached?.version === version) return cached.config;
    const config = await providerConfiguration(s, s.client_id, this.connections.openSecret(conn)!, this.rp);
    if (this.providers.size > 1000) this.providers.clear();
    this.providers.set(conn.id, { version, config });
    return config;
  }
}
