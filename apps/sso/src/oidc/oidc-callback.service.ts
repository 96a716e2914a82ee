import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import type { ConnectionWithDomains, OAuthSettings, OAuthType, OidcSettings } from '../connections/connections.dto';
import { fetchIdp } from '../infra/idp-fetch';
import { SignInService, type ClientInfo } from '../signin/signin.service';
import { SignInStateStore, type OAuthTokensWire, type PendingSignIn } from '../signin/signin-state.store';
import { SignInFailedError } from '../signin/signin.errors';
import { OidcRejection, verifyIdToken } from './id-token';
import { oauthEndpoints } from './oauth-providers';

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

interface TokenResponse {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  token_type?: string;
}

/**
 * The OIDC / OAuth redirect back from the IdP. The `state` is our pending sign-in's one-time
 * ID, so a callback is accepted once, and only for the connection that started it.
 */
@Injectable()
export class OidcCallbackService {
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

    try {
      const { subject, attributes, oauthTokens } = conn.protocol === 'oidc' ? await this.oidc(conn, pending, q.code) : await this.oauth(conn, pending, q.code);
      return await this.signIn.complete(
        { connection: conn, redirectUri: pending.redirectUri, state: pending.state, clientId: pending.clientId, codeChallenge: pending.codeChallenge, subject, attributes, oauthTokens },
        client,
      );
    } catch (err) {
      if (err instanceof OidcRejection) return fail(err.reason, err.message);
      if (err instanceof SignInFailedError) throw err;
      if ((err as { status?: number }).status === 400) return fail('idp_unreachable', (err as Error).message);
      throw err;
    }
  }

  private async oidc(conn: ConnectionWithDomains, pending: PendingSignIn, code: string) {
    const s = conn.settings as unknown as OidcSettings;
    const tokens = await this.exchange(s.token_endpoint, s.client_id, this.connections.openSecret(conn)!, code, pending.upstreamVerifier!);
    if (!tokens.id_token) throw new OidcRejection('missing_id_token', 'The IdP token response has no id_token.');
    const claims = await verifyIdToken(tokens.id_token, {
      jwksUri: s.jwks_uri,
      issuer: s.issuer,
      audience: s.client_id,
      algorithms: s.id_token_signing_alg_values,
      nonce: pending.nonce!,
      skewSeconds: this.config.SSO_CLOCK_SKEW_SECONDS,
    });
    let attributes: Record<string, unknown> = { ...claims };
    if (!claims.email && s.userinfo_endpoint && tokens.access_token) {
      const info = await this.userinfo(s.userinfo_endpoint, tokens.access_token);
      if (info.sub !== claims.sub) throw new OidcRejection('userinfo_subject_mismatch', 'The userinfo subject differs from the ID token subject.');
      attributes = { ...info, ...claims };
    }
    for (const k of ['nonce', 'at_hash', 'c_hash', 'auth_time']) delete attributes[k];
    return { subject: String(claims.sub), attributes, oauthTokens: undefined };
  }

  private async oauth(conn: ConnectionWithDomains, pending: PendingSignIn, code: string) {
    const s = conn.settings as unknown as OAuthSettings;
    const e = oauthEndpoints(conn.connectionType as OAuthType, s, this.config);
    const tokens = await this.exchange(e.token, s.client_id, this.connections.openSecret(conn)!, code, pending.upstreamVerifier!);
    if (!tokens.access_token) throw new OidcRejection('missing_access_token', 'The provider token response has no access_token.');
    const info = await this.userinfo(e.userinfo, tokens.access_token);
    if (conn.connectionType === 'GitHubOAuth' && !info.email) info.email = await this.githubPrimaryEmail(e.userinfo, tokens.access_token);
    const subject = String(info.sub ?? info.id ?? '');
    if (!subject) throw new OidcRejection('missing_subject', 'The provider did not identify the user.');
    const oauthTokens: OAuthTokensWire = {
      access_token: tokens.access_token,
      ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
      ...(typeof tokens.expires_in === 'number' ? { expires_at: Math.floor(Date.now() / 1000) + tokens.expires_in } : {}),
      scopes: (tokens.scope ?? '').split(/[ ,]+/).filter(Boolean),
    };
    return { subject, attributes: info, oauthTokens };
  }

  private async exchange(tokenUrl: string, clientId: string, clientSecret: string, code: string, verifier: string): Promise<TokenResponse> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${this.config.PUBLIC_BASE_URL}/sso/oidc/callback`,
      client_id: clientId,
      client_secret: clientSecret,
      code_verifier: verifier,
    });
    const res = await fetchIdp(tokenUrl, {
      allowHttp: this.config.SSO_ALLOW_HTTP_IDP_URLS, allowedCidrs: this.config.SSO_ALLOWED_IDP_CIDRS,
      timeoutMs: this.config.SSO_IDP_FETCH_TIMEOUT_MS,
      what: 'token endpoint',
      init: { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } },
    });
    let json: TokenResponse & { error?: string; error_description?: string };
    try {
      json = JSON.parse(res.text);
    } catch {
      throw new OidcRejection('token_exchange_failed', `The token endpoint answered ${res.status} with a body that is not JSON.`);
    }
    if (res.status !== 200 || json.error) {
      throw new OidcRejection('token_exchange_failed', `The token endpoint refused the code: ${json.error ?? res.status}${json.error_description ? ` (${json.error_description})` : ''}.`);
    }
    return json;
  }

  private async userinfo(url: string, accessToken: string): Promise<Record<string, unknown>> {
    const res = await fetchIdp(url, {
      allowHttp: this.config.SSO_ALLOW_HTTP_IDP_URLS, allowedCidrs: this.config.SSO_ALLOWED_IDP_CIDRS,
      timeoutMs: this.config.SSO_IDP_FETCH_TIMEOUT_MS,
      what: 'userinfo endpoint',
      init: { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': 'wos-sso' } },
    });
    try {
      if (res.status !== 200) throw new Error(String(res.status));
      const json = JSON.parse(res.text) as unknown;
      if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not an object');
      return json as Record<string, unknown>;
    } catch (err) {
      throw new OidcRejection('userinfo_failed', `The userinfo endpoint failed: ${(err as Error).message}.`);
    }
  }

  /** GitHub hides private emails from /user; /user/emails lists them with the primary marked. */
  private async githubPrimaryEmail(userUrl: string, accessToken: string): Promise<string | undefined> {
    const res = await fetchIdp(`${userUrl.replace(/\/+$/, '')}/emails`, {
      allowHttp: this.config.SSO_ALLOW_HTTP_IDP_URLS, allowedCidrs: this.config.SSO_ALLOWED_IDP_CIDRS,
      timeoutMs: this.config.SSO_IDP_FETCH_TIMEOUT_MS,
      what: 'GitHub emails endpoint',
      init: { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': 'wos-sso' } },
    });
    try {
      const list = JSON.parse(res.text) as { email: string; primary: boolean; verified: boolean }[];
      return list.find((e) => e.primary && e.verified)?.email;
    } catch {
      return undefined;
    }
  }
}
