import { Inject, Injectable } from '@nestjs/common';
import { hasIdShape } from '@wos/contracts';
import { DomainError, NotFoundError, SecretBox, SecretBoxError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { OidcSettings } from '../connections/connections.dto';
import { ConnectionsService } from '../connections/connections.service';
import { logoutTokenSchema, type LogoutAuthorizeResponse, type LogoutToken } from './logout.dto';
import { LogoutRepository } from './logout.repository';

/* Short: the app makes the token and redirects the browser at once. */
const LOGOUT_TOKEN_TTL_MS = 5 * 60_000;
const TOKEN_CONTEXT = 'sso_logout_token';

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) through an OIDC connection whose
 * IdP publishes an `end_session_endpoint`, as WorkOS offers it. The app asks for a logout token
 * for a profile with its API key; the browser brings the token to GET /sso/logout, which sends
 * it to the IdP's end-session endpoint. Invariants: the token is sealed (AES-256-GCM, bound to
 * its purpose) and names its environment and profile, so it cannot be forged, altered or used in
 * another environment; it expires after five minutes; the redirect target is only ever the
 * end-session endpoint stored with the connection when it was saved (https, from discovery).
 */
@Injectable()
export class LogoutService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: LogoutRepository,
    private readonly connections: ConnectionsService,
    private readonly box: SecretBox,
  ) {}

  async authorize(environmentId: string, profileId: string): Promise<LogoutAuthorizeResponse> {
    await this.endSession(environmentId, profileId);
    const token: LogoutToken = { environmentId, profileId, expiresAt: Date.now() + LOGOUT_TOKEN_TTL_MS };
    const sealed = this.box.seal(JSON.stringify(token), TOKEN_CONTEXT);
    return { logout_token: sealed, logout_url: `${this.config.PUBLIC_BASE_URL}/sso/logout?token=${encodeURIComponent(sealed)}` };
  }

  /** The browser's GET /sso/logout: where to send it (the IdP's end-session endpoint). */
  async redirect(sealed: string): Promise<string> {
    const token = this.open(sealed);
    if (!token || token.expiresAt < Date.now()) throw new DomainError(400, 'invalid_logout_token', 'The logout token is invalid or has expired; ask for a new one with /sso/logout/authorize.');
    const { endpoint, clientId } = await this.endSession(token.environmentId, token.profileId);
    const target = new URL(endpoint);
    target.searchParams.set('client_id', clientId);
    return target.toString();
  }

  /** The profile's connection's end-session endpoint, or why there is none. */
  private async endSession(environmentId: string, profileId: string): Promise<{ endpoint: string; clientId: string }> {
    const profile = hasIdShape(profileId, 'prof') ? await this.repo.findProfile(environmentId, profileId) : null;
    if (!profile) throw new NotFoundError('a profile', profileId);
    const connection = await this.connections.findForSignIn(environmentId, { id: profile.connectionId });
    if (!connection) throw new NotFoundError('a connection', profile.connectionId);
    const settings = connection.settings as unknown as Partial<OidcSettings>;
    if (connection.protocol !== 'oidc' || !settings.end_session_endpoint || !settings.client_id) {
      throw new DomainError(422, 'logout_not_supported', 'Logout is offered only for OpenID Connect connections whose IdP publishes an end_session_endpoint.');
    }
    return { endpoint: settings.end_session_endpoint, clientId: settings.client_id };
  }

  private open(sealed: string): LogoutToken | null {
    try {
      const parsed = logoutTokenSchema.safeParse(JSON.parse(this.box.openString(sealed, TOKEN_CONTEXT)));
      return parsed.success ? parsed.data : null;
    } catch (err) {
      if (err instanceof SecretBoxError || err instanceof SyntaxError) return null;
      throw err;
    }
  }
}
