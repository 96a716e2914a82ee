import type { UpstreamClient } from './upstream.client';
import { query } from './upstream.client';

/** Kept in step with the gateway's `CONSOLE_PATH` and `ALL_ENVIRONMENTS_SCOPE` (apps/api-gateway/src/internal/console.route.ts). */
export const CONSOLE_PATH = '/_internal/console';
export const ALL_ENVIRONMENTS_SCOPE = '*';

export interface EnvironmentView { id: string; name: string; kind: string; builtin: boolean; created_at: string }
export interface ApiKeyView { id: string; name: string; obfuscated_value: string; created_at: string; revoked_at: string | null }
export interface ClientIdView { id: string; created_at: string }
export interface RedirectUriView { id: string; uri: string; created_at: string }
export interface CorsOriginView { id: string; origin: string; created_at: string }
export interface RateLimitUsageView { bucket: string; minute: string; requests: number; limited: number }

/**
 * The gateway's console routes (environments, API keys, client IDs, redirect URIs, CORS origins,
 * homepage URL, rate-limit usage). Every parameter travels in the signed query: those routes read no body.
 */
export class GatewayConsoleClient {
  constructor(private readonly upstream: UpstreamClient) {}

  private get<T>(env: string, path: string) {
    return this.upstream.must<T>('api-gateway', env, 'GET', `${CONSOLE_PATH}${path}`);
  }
  private send<T>(env: string, method: string, path: string, params: Record<string, string> = {}) {
    return this.upstream.must<T>('api-gateway', env, method, `${CONSOLE_PATH}${path}${query(params)}`);
  }

  async environments(): Promise<EnvironmentView[]> {
    return (await this.get<{ data: EnvironmentView[] }>(ALL_ENVIRONMENTS_SCOPE, '/environments')).data;
  }
  createEnvironment(name: string, kind: string) {
    return this.send<{ environment: EnvironmentView; api_key: ApiKeyView & { value: string }; client_id: ClientIdView }>(ALL_ENVIRONMENTS_SCOPE, 'POST', '/environments', { name, kind });
  }
  ensureBuiltinEnvironment(redirectUri: string) {
    return this.send<{ environment_id: string; client_id: string }>(ALL_ENVIRONMENTS_SCOPE, 'POST', '/builtin_environment', { redirect_uri: redirectUri });
  }

  async apiKeys(env: string) {
    return (await this.get<{ data: ApiKeyView[] }>(env, '/api_keys')).data;
  }
  createApiKey(env: string, name: string) {
    return this.send<ApiKeyView & { value: string }>(env, 'POST', '/api_keys', { name });
  }
  revokeApiKey(env: string, id: string) {
    return this.send<ApiKeyView>(env, 'POST', `/api_keys/${encodeURIComponent(id)}/revoke`);
  }

  async clientIds(env: string) {
    return (await this.get<{ data: ClientIdView[] }>(env, '/client_ids')).data;
  }
  createClientId(env: string) {
    return this.send<ClientIdView>(env, 'POST', '/client_ids');
  }
  async redirectUris(env: string) {
    return (await this.get<{ data: RedirectUriView[] }>(env, '/redirect_uris')).data;
  }
  addRedirectUri(env: string, uri: string) {
    return this.send<RedirectUriView>(env, 'POST', '/redirect_uris', { uri });
  }
  removeRedirectUri(env: string, id: string) {
    return this.send(env, 'DELETE', `/redirect_uris/${encodeURIComponent(id)}`);
  }
  async corsOrigins(env: string) {
    return (await this.get<{ data: CorsOriginView[] }>(env, '/cors_origins')).data;
  }
  addCorsOrigin(env: string, origin: string) {
    return this.send<CorsOriginView>(env, 'POST', '/cors_origins', { origin });
  }
  removeCorsOrigin(env: string, id: string) {
    return this.send(env, 'DELETE', `/cors_origins/${encodeURIComponent(id)}`);
  }
  async homepageUrl(env: string) {
    return (await this.get<{ url: string | null }>(env, '/app_homepage_url')).url;
  }
  setHomepageUrl(env: string, url: string) {
    return this.send<{ url: string | null }>(env, 'PUT', '/app_homepage_url', { url });
  }

  /** Requests and 429s per minute and rate-limit bucket (GET /usage/rate_limits's data), oldest first; a 503 while the gateway's Redis is down. */
  async rateLimits(env: string, minutes: number) {
    return (await this.send<{ data: RateLimitUsageView[] }>(env, 'GET', '/rate_limits', { minutes: String(minutes) })).data;
  }
}
