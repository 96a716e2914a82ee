import type { ApiKey, ClientId, CorsOrigin, Environment, RedirectUri } from './credentials.repository';
import { obfuscateApiKey, type EnvironmentKind } from './api-key.secret';

/** Wire shapes (snake_case) of the gateway's settings objects, as the CLI prints them. */
export function environmentToWire(e: Environment) {
  return { object: 'environment', id: e.id, name: e.name, kind: e.kind, builtin: e.builtin, created_at: e.createdAt.toISOString() };
}

export function apiKeyToWire(k: ApiKey, kind: EnvironmentKind) {
  return {
    object: 'api_key',
    id: k.id,
    environment_id: k.environmentId,
    name: k.name,
    obfuscated_value: obfuscateApiKey(kind, k.last4),
    rate_limit_per_minute: k.rateLimitPerMinute,
    created_at: k.createdAt.toISOString(),
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

export function clientIdToWire(c: ClientId) {
  return { object: 'client_id', id: c.id, environment_id: c.environmentId, created_at: c.createdAt.toISOString() };
}

/** `isDefault`: the environment's earliest-registered redirect URI (CredentialsRepository.defaultRedirectUri). */
export function redirectUriToWire(r: RedirectUri, isDefault: boolean) {
  // A redirect URI never changes (updated_at = created_at).
  const at = r.createdAt.toISOString();
  return { object: 'redirect_uri', id: r.id, environment_id: r.environmentId, uri: r.uri, default: isDefault, created_at: at, updated_at: at };
}

export function corsOriginToWire(c: CorsOrigin) {
  return { object: 'cors_origin', id: c.id, environment_id: c.environmentId, origin: c.origin, created_at: c.createdAt.toISOString() };
}

export function homepageUrlToWire(e: Environment) {
  return { object: 'app_homepage_url', url: e.appHomepageUrl };
}

export type EnvironmentWire = ReturnType<typeof environmentToWire>;
export type ApiKeyWire = ReturnType<typeof apiKeyToWire>;
export type ClientIdWire = ReturnType<typeof clientIdToWire>;
