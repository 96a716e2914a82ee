import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, RateLimitedError, ValidationError, REDIS, type Redis } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import { OAUTH_TYPES, type ConnectionWithDomains, type OAuthSettings, type OAuthType, type OidcSettings, type SamlSettings } from '../connections/connections.dto';
import { SamlServiceProvider } from '../saml/saml-sp';
import { SignInStateStore, type PendingSignIn } from '../signin/signin-state.store';
import type { AuthorizeQuery } from './authorize.dto';
import { oauthEndpoints } from '../oidc/oauth-providers';
import { authorizationUrl, upstreamChecks } from '../oidc/relying-party';

/** Starts a sign-in: picks the connection, stores the pending sign-in, and names the IdP URL. */
@Injectable()
export class AuthorizeService {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly store: SignInStateStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `sourceIp` is the browser's address (the gateway hop's X-Forwarded-For), null when unknown. */
  async authorize(environmentId: string, q: AuthorizeQuery, providerParams: Record<string, string>, sourceIp: string | null, selfTest = false): Promise<string> {
    if (!q.connection && !q.organization && !q.provider) {
      throw new ValidationError(
        [{ field: 'connection', code: 'invalid_connection_selector', message: "Specify one of 'connection', 'organization', or 'provider'." }],
        "A valid connection selector is required: pass one of the 'connection', 'organization', or 'provider' parameters.",
      );
    }
    const conn = await this.pickConnection(environmentId, q);
    await this.countSignInStart(conn.id, sourceIp);
    const pending: PendingSignIn = {
      environmentId,
      clientId: q.client_id,
      connectionId: conn.id,
      redirectUri: q.redirect_uri,
      ...(q.state !== undefined ? { state: q.state } : {}),
      ...(q.code_challenge ? { codeChallenge: q.code_challenge } : {}),
      ...(selfTest ? { selfTest: true } : {}),
    };
    if (conn.protocol === 'saml') return this.saml(conn, pending, q);
    return this.oauth(conn, pending, q, providerParams);
  }

  /**
   * A fixed one-minute window per (connection, source IP), shared by every instance through
   * Redis (M8): WorkOS's 1,000 per minute per connection becomes the per-address figure, so one
   * client flooding a connection's sign-in starts cannot lock out everyone else in its
   * organization.
   */
  private async countSignInStart(connectionId: string, sourceIp: string | null): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const key = `sso:authorize:${connectionId}:${sourceIp ?? 'unknown'}:${window}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 61).exec()) as [[unknown, number]];
    if (count > this.config.SSO_AUTHORIZE_LIMIT_PER_MINUTE) throw new RateLimitedError(Math.max(1, (window + 1) * 60 - Math.floor(Date.now() / 1000)));
  }

  private async pickConnection(environmentId: string, q: AuthorizeQuery): Promise<ConnectionWithDomains> {
    let conn: ConnectionWithDomains | undefined;
    if (q.connection) {
      conn = await this.connections.findForSignIn(environmentId, { id: q.connection });
      if (!conn) throw new NotFoundError('a connection', q.connection);
    } else if (q.organization) {
      conn = await this.connections.findForSignIn(environmentId, { organizationId: q.organization });
      if (!conn) throw new NotFoundError('an active connection for the organization', q.organization);
    } else {
      if (!(OAUTH_TYPES as readonly string[]).includes(q.provider!)) {
        throw new ValidationError([{ field: 'provider', code: 'invalid_provider', message: `provider must be one of ${OAUTH_TYPES.join(', ')}.` }]);
      }
      conn = await this.connections.findForSignIn(environmentId, { connectionType: q.provider });
      if (!conn) throw new NotFoundError(`an active ${q.provider} connection`, q.provider!);
    }
    if (conn.state !== 'active') {
      throw new ValidationError([{ field: 'connection', code: 'connection_inactive', message: `Connection ${conn.id} is ${conn.state}, not active.` }]);
    }
    return conn;
  }

  private async saml(conn: ConnectionWithDomains, pending: PendingSignIn, q: AuthorizeQuery): Promise<string> {
    const settings = conn.settings as unknown as SamlSettings;
    const requestId = `_${randomBytes(20).toString('hex')}`;
    const relayState = await this.store.savePending({ ...pending, samlRequestId: requestId });
    const sp = new SamlServiceProvider(settings, this.config.SSO_CLOCK_SKEW_SECONDS * 1000, this.connections.openSecret(conn));
    const extra: Record<string, string> = {};
    if (q.login_hint) extra.login_hint = q.login_hint;
    if (q.domain_hint ?? q.domain) extra.domain_hint = (q.domain_hint ?? q.domain)!;
    return sp.authorizeUrl(requestId, relayState, extra);
  }

  /** OIDC and the OAuth providers: authorization code with our own PKCE pair, state and (OIDC) nonce. */
  private async oauth(conn: ConnectionWithDomains, pending: PendingSignIn, q: AuthorizeQuery, providerParams: Record<string, string>): Promise<string> {
    const { verifier, challenge, nonce } = await upstreamChecks();
    const stateId = await this.store.savePending({ ...pending, upstreamVerifier: verifier, nonce });
    let endpoint: string;
    let clientId: string;
    let scopes: string[];
    if (conn.protocol === 'oidc') {
      const s = conn.settings as unknown as OidcSettings;
      endpoint = s.authorization_endpoint;
      clientId = s.client_id;
      scopes = ['openid', 'profile', 'email', ...s.scopes];
    } else {
      const s = conn.settings as unknown as OAuthSettings;
      const e = oauthEndpoints(conn.connectionType as OAuthType, s, this.config);
      endpoint = e.authorization;
      clientId = s.client_id;
      scopes = [...(s.scopes ?? e.defaultScopes)];
    }
    const params: Record<string, string> = {
      ...providerParams,
      response_type: 'code',
      client_id: clientId,
      redirect_uri: `${this.config.PUBLIC_BASE_URL}/sso/oidc/callback`,
      scope: [...new Set([...scopes, ...q.provider_scopes])].join(' '),
      state: stateId,
      ...(conn.protocol === 'oidc' ? { nonce } : {}),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(q.login_hint ? { login_hint: q.login_hint } : {}),
      ...((q.domain_hint ?? q.domain) ? { domain_hint: (q.domain_hint ?? q.domain)! } : {}),
      ...(q.prompt ? { prompt: q.prompt } : {}),
    };
    return (await authorizationUrl(endpoint, clientId, params, this.config.SSO_ALLOW_HTTP_IDP_URLS)).toString();
  }
}
