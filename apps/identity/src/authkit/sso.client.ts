import { Inject, Injectable } from '@nestjs/common';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** The parts of the SSO service's `profile` (WORKOS_API.md §9) AuthKit uses. */
export interface SsoProfile {
  id: string;
  /** The IdP's own ID of the user: with the connection, the identity's key. */
  idp_id: string;
  connection_id: string;
  connection_type: string;
  organization_id?: string | null;
  email: string;
  /** Our SSO service's addition: true only when an OIDC/OAuth provider proved the address. Missing = false. */
  email_verified?: boolean;
  first_name?: string | null;
  last_name?: string | null;
}

/**
 * The SSO service, called service to service with the environment signed as the gateway signs
 * it (DESIGN.md rule 1). `/sso/authorize` is called directly rather than through the gateway:
 * the redirect URI is AuthKit's own callback, which no environment registers.
 */
@Injectable()
export class SsoClient {
  private readonly key: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = internalAuthKeyFor(config, 'sso');
  }

  /** The IdP URL the browser goes to next. SSO's 4xx (unknown connection…) pass through. */
  /**
   * `clientIp` is the browser's address as the gateway gave it to identity; SSO trusts one proxy
   * hop (identity, here), so its per-(connection, IP) sign-in limit counts the browser, not
   * identity itself.
   */
  async authorizeUrl(environmentId: string, params: Record<string, string>, clientIp: string | null = null): Promise<string> {
    const res = await this.call(environmentId, `/sso/authorize?${new URLSearchParams(params)}`, { redirect: 'manual', ...(clientIp ? { headers: { 'x-forwarded-for': clientIp } } : {}) });
    const location = res.headers.get('location');
    if (res.status === 302 && location) return location;
    throw await passThrough(res);
  }

  /** Redeems the code SSO issued to AuthKit's callback (confidential: signed as an API-key caller). */
  async redeem(environmentId: string, clientId: string, code: string): Promise<SsoProfile> {
    const res = await this.call(environmentId, '/sso/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientId, grant_type: 'authorization_code', code }),
    });
    if (!res.ok) throw await passThrough(res);
    return ((await res.json()) as { profile: SsoProfile }).profile;
  }

  /**
   * The environment's active OAuth provider connections (GoogleOAuth, …; no organization), for
   * the hosted sign-in's buttons. One page of 100 is plenty: one connection per provider.
   */
  async oauthProviderTypes(environmentId: string): Promise<string[]> {
    const res = await this.call(environmentId, '/connections?limit=100', { method: 'GET' });
    if (!res.ok) throw await passThrough(res);
    const list = (await res.json()) as { data: Array<{ connection_type: string; state: string; organization_id: string | null }> };
    return [...new Set(list.data.filter((c) => c.state === 'active' && !c.organization_id && c.connection_type.endsWith('OAuth')).map((c) => c.connection_type))];
  }

  private async call(environmentId: string, path: string, init: RequestInit): Promise<Response> {
    try {
      return await internalFetch(`${this.config.SSO_URL}${path}`, { key: this.key, audience: 'sso', environmentId }, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch {
      throw new DomainError(503, 'service_unavailable', 'The SSO service is unavailable; retry the sign-in.');
    }
  }
}

async function passThrough(res: Response): Promise<DomainError> {
  if (res.status >= 500) return new DomainError(503, 'service_unavailable', 'The SSO service is unavailable; retry the sign-in.');
  const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string; error?: string; error_description?: string };
  return new DomainError(res.status, body.code ?? body.error ?? 'sso_error', body.message ?? body.error_description ?? 'The SSO sign-in was refused.');
}
