import type { AppConfig } from '../config';

/** The services the gateway can route to, each with its URL variable. */
export const UPSTREAM_URL_VARIABLES = {
  identity: 'IDENTITY_URL',
  sso: 'SSO_URL',
  'directory-sync': 'DIRECTORY_SYNC_URL',
  organizations: 'ORGANIZATIONS_URL',
  'audit-logs': 'AUDIT_LOGS_URL',
  vault: 'VAULT_URL',
  radar: 'RADAR_URL',
  events: 'EVENTS_URL',
  'webhook-dispatcher': 'WEBHOOK_DISPATCHER_URL',
} as const satisfies Record<string, keyof AppConfig>;
export type UpstreamName = keyof typeof UPSTREAM_URL_VARIABLES;

export interface RouteEntry {
  /** Matches the path itself and everything below it (`/events`, `/events/…`), never `/eventsX`. */
  prefix: string;
  upstream: UpstreamName;
  /**
   * - `api_key`: Bearer API key required; the environment is signed for the service.
   * - `api_key_or_client_id`: an API key (header, or `client_secret` in the body) when given,
   *   else a public client named by `client_id` in the query or body (`/sso/token`, authenticate).
   * - `client_id`: browser routes; `client_id` from the query or the last path segment, and a
   *   `redirect_uri` in the query must be one of the environment's redirect URIs.
   * - `none`: forwarded unsigned; the service authenticates the caller itself.
   */
  auth: 'api_key' | 'api_key_or_client_id' | 'client_id' | 'none';
}

/** Live routes. A new service adds its entries here (and leaves RESERVED_PREFIXES). */
export const ROUTES: readonly RouteEntry[] = [
  { prefix: '/organizations', upstream: 'organizations', auth: 'api_key' },
  { prefix: '/organization_domains', upstream: 'organizations', auth: 'api_key' },
  { prefix: '/events', upstream: 'events', auth: 'api_key' },
  // Directory Sync: the WorkOS API with API keys; each directory's SCIM server authenticates its own bearer token.
  { prefix: '/directories', upstream: 'directory-sync', auth: 'api_key' },
  { prefix: '/directory_users', upstream: 'directory-sync', auth: 'api_key' },
  { prefix: '/directory_groups', upstream: 'directory-sync', auth: 'api_key' },
  { prefix: '/scim', upstream: 'directory-sync', auth: 'none' },
  { prefix: '/webhook_endpoints', upstream: 'webhook-dispatcher', auth: 'api_key' },
  // AuthKit user management (identity). Logout is a browser redirect that names its session.
  { prefix: '/user_management', upstream: 'identity', auth: 'api_key' },
  { prefix: '/user_management/sessions/logout', upstream: 'identity', auth: 'none' },
  // SSO's redirect back into AuthKit; identity opens the sealed state to find the environment.
  { prefix: '/user_management/sso/callback', upstream: 'identity', auth: 'none' },
  // Identity's development mail inbox (no SMTP); identity answers 404 outside development.
  { prefix: '/dev/mail', upstream: 'identity', auth: 'none' },
  // Standalone MFA (WORKOS_API.md §8).
  { prefix: '/auth/factors', upstream: 'identity', auth: 'api_key' },
  { prefix: '/auth/challenges', upstream: 'identity', auth: 'api_key' },
  // Browser and public-client entry points of SSO and AuthKit (see RouteEntry.auth).
  { prefix: '/sso/authorize', upstream: 'sso', auth: 'client_id' },
  { prefix: '/sso/token', upstream: 'sso', auth: 'api_key_or_client_id' },
  // SSO connections take API keys; the IdP-facing legs and the profile token authenticate themselves.
  { prefix: '/connections', upstream: 'sso', auth: 'api_key' },
  { prefix: '/sso/saml', upstream: 'sso', auth: 'none' },
  { prefix: '/sso/oidc', upstream: 'sso', auth: 'none' },
  { prefix: '/sso/profile', upstream: 'sso', auth: 'none' },
  { prefix: '/sso/jwks', upstream: 'identity', auth: 'client_id' },
  { prefix: '/user_management/authorize', upstream: 'identity', auth: 'client_id' },
  { prefix: '/user_management/authenticate', upstream: 'identity', auth: 'api_key_or_client_id' },
];

/** Public paths of products not built yet. Until their entries move to ROUTES they answer 404. */
export const RESERVED_PREFIXES: readonly string[] = [
  '/sso',
  '/audit_logs',
  '/vault',
  '/radar',
  '/portal',
  '/passwordless',
  '/auth',
  '/authorization',
  '/fga',
  '/feature-flags',
  '/api_keys',
  '/widgets',
];

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

export interface RouteMatcher {
  match(path: string): RouteEntry | undefined;
}

/** Longest prefix wins, so a specific entry can override a broader one later. */
export function createRouteMatcher(routes: readonly RouteEntry[] = ROUTES): RouteMatcher {
  const sorted = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    match(path) {
      // Dot segments could make a service resolve a path other than the one routed here.
      if (DOT_SEGMENT.test(path)) return undefined;
      return sorted.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
    },
  };
}

/** The distinct upstreams that at least one live route uses. */
export function routedUpstreams(routes: readonly RouteEntry[] = ROUTES): UpstreamName[] {
  return [...new Set(routes.map((r) => r.upstream))];
}
