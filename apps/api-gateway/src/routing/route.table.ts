import type { AppConfig } from '../config';
import { compilePath } from '../rate-limit/rate-limit.rules';
import { compileAliases, rewrite, type CompiledAlias } from './aliases';

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
  authorization: 'AUTHORIZATION_URL',
  pipes: 'PIPES_URL',
  'admin-portal': 'ADMIN_PORTAL_URL',
  dashboard: 'DASHBOARD_URL',
} as const satisfies Record<string, keyof AppConfig>;
export type UpstreamName = keyof typeof UPSTREAM_URL_VARIABLES;

export interface RouteEntry {
  /**
   * Matches the path itself and everything below it (`/events`, `/events/…`), never `/eventsX`.
   * A `:name` segment matches any one segment (`/organizations/:id/audit_logs_retention`).
   */
  prefix: string;
  /** The service the request is forwarded to, or `gateway` for the settings the gateway owns. */
  upstream: UpstreamName | 'gateway';
  /**
   * - `api_key`: Bearer API key required; the environment is signed for the service.
   * - `api_key_or_client_id`: an API key (header, or `client_secret` in the body) when given,
   *   else a public client named by `client_id` in the query or body (`/sso/token`, authenticate).
   * - `client_id`: browser routes; `client_id` from the query or the last path segment, and a
   *   `redirect_uri` in the query must be one of the environment's redirect URIs.
   * - `client_id_path`: the environment's client ID is the path segment the prefix names
   *   `:client_id` (a per-environment OAuth issuer, `/oauth2/<client_id>/…`); the service
   *   authenticates the OAuth clients and users itself, and answers CORS itself.
   * - `none`: forwarded unsigned; the service authenticates the caller itself.
   * - `widget_token`: a widget token (`Authorization: Bearer`, from `POST /widgets/token`) is the
   *   only credential. The environment comes from the client ID the token names (read here, not
   *   verified); the service verifies the token against that environment's signing keys, so a
   *   token naming another environment's client fails there. CORS as for public clients.
   */
  auth: 'api_key' | 'api_key_or_client_id' | 'client_id' | 'client_id_path' | 'none' | 'widget_token';
  /**
   * A long-lived streaming response (server-sent events): piped to the client as it arrives,
   * over a separate connection pool, never buffered or stored (ProxyService.stream).
   */
  stream?: boolean;
  /**
   * Browser pages: a service's HTML error page (a refused form, 403 for a failed CSRF check) is
   * passed through instead of becoming JSON. Only for paths no SDK calls as an API.
   */
  htmlPages?: true;
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
  // A browser's return from SSO: a refused sign-up there is a hosted page (text/html), else JSON.
  { prefix: '/user_management/sso/callback', upstream: 'identity', auth: 'none', htmlPages: true },
  // Identity's development mail inbox (no SMTP); identity answers 404 outside development.
  { prefix: '/dev/mail', upstream: 'identity', auth: 'none' },
  // The development SMS adapter's messages (radar SMS challenges); 404 outside development.
  { prefix: '/dev/sms', upstream: 'identity', auth: 'none' },
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
  // The hosted AuthKit pages (identity's authkit/hosted): HTML, including their error pages.
  { prefix: '/user_management/authorize', upstream: 'identity', auth: 'client_id', htmlPages: true },
  { prefix: '/user_management/authenticate', upstream: 'identity', auth: 'api_key_or_client_id' },
  // Connect (identity): applications and client secrets, and a custom login UI finishing an authorization.
  { prefix: '/connect', upstream: 'identity', auth: 'api_key' },
  { prefix: '/authkit/oauth2/complete', upstream: 'identity', auth: 'api_key' },
  // Agents (identity): blueprints, minted tokens, instances, sessions, registrations.
  { prefix: '/agents', upstream: 'identity', auth: 'api_key' },
  // Agent self-registration and the claim ceremony (AUTH.md): an agent is a public client naming the
  // environment's client ID (or a backend with its API key); the claim page is a hosted page above.
  { prefix: '/agent/auth', upstream: 'identity', auth: 'api_key_or_client_id' },
  // Each environment's OAuth 2.1 / OpenID authorization server (identity, oidc-provider).
  { prefix: '/oauth2/:client_id', upstream: 'identity', auth: 'client_id_path' },
  // RFC 8414 §3.1: the issuer's metadata at the path-inserted well-known URL (MCP clients ask there first).
  { prefix: '/.well-known/oauth-authorization-server/oauth2/:client_id', upstream: 'identity', auth: 'client_id_path' },
  // Dashboard settings the official `workos` CLI manages (`workos config …`); the gateway owns them.
  { prefix: '/user_management/redirect_uris', upstream: 'gateway', auth: 'api_key' },
  { prefix: '/user_management/cors_origins', upstream: 'gateway', auth: 'api_key' },
  { prefix: '/user_management/app_homepage_url', upstream: 'gateway', auth: 'api_key' },
  // Audit Logs: events, schemas, and an organization's retention (a path below /organizations).
  { prefix: '/audit_logs', upstream: 'audit-logs', auth: 'api_key' },
  // Export download links (getExport's url): the sealed token in the path is the credential.
  { prefix: '/audit_logs/downloads', upstream: 'audit-logs', auth: 'none' },
  // The public keys that sign audit-log chain checkpoints (a JWKS): anyone may verify.
  { prefix: '/audit_logs/chain/keys', upstream: 'audit-logs', auth: 'none' },
  { prefix: '/organizations/:id/audit_logs_retention', upstream: 'audit-logs', auth: 'api_key' },
  // Vault: KV objects and data keys (WORKOS_API.md §14).
  { prefix: '/vault/v1', upstream: 'vault', auth: 'api_key' },
  // Radar: attempts, allow and deny lists (WORKOS_API.md §20), and our settings and attempt listing.
  { prefix: '/radar', upstream: 'radar', auth: 'api_key' },
  // Authorization: permissions, roles, resources, role assignments and checks (WORKOS_API.md §16).
  { prefix: '/authorization', upstream: 'authorization', auth: 'api_key' },
  // Groups (§17) live below two other services' paths; the longer prefixes win.
  { prefix: '/organizations/:id/groups', upstream: 'authorization', auth: 'api_key' },
  { prefix: '/user_management/organization_memberships/:id/groups', upstream: 'authorization', auth: 'api_key' },
  // API keys of our customers' customers (WORKOS_API.md §21): identity owns them with the users they may belong to.
  { prefix: '/api_keys', upstream: 'identity', auth: 'api_key' },
  { prefix: '/organizations/:id/api_keys', upstream: 'identity', auth: 'api_key' },
  // Magic Link (WORKOS_API.md §15): the API takes API keys; the emailed link carries its own token.
  { prefix: '/passwordless', upstream: 'identity', auth: 'api_key' },
  { prefix: '/passwordless/confirm', upstream: 'identity', auth: 'none' },
  // Pipes (§19): data integrations, and connected accounts below two other services' paths
  // (/user_management is identity's, /organizations is organizations'); the longer prefixes win.
  { prefix: '/data-integrations', upstream: 'pipes', auth: 'api_key' },
  { prefix: '/user_management/users/:id/connected_accounts', upstream: 'pipes', auth: 'api_key' },
  { prefix: '/user_management/users/:id/data_providers', upstream: 'pipes', auth: 'api_key' },
  { prefix: '/organizations/:id/connected_accounts', upstream: 'pipes', auth: 'api_key' },
  { prefix: '/organizations/:id/data_providers', upstream: 'pipes', auth: 'api_key' },
  { prefix: '/organizations/:id/data_integration_configurations', upstream: 'pipes', auth: 'api_key' },
  // The provider's browser redirect back: the state in the query is the credential (pipes checks it).
  { prefix: '/pipes/oauth/callback', upstream: 'pipes', auth: 'none' },
  // Feature flags (§18) live in organizations, with the runtime payload, its event stream, and
  // a user's flags (below identity's /user_management).
  { prefix: '/feature-flags', upstream: 'organizations', auth: 'api_key' },
  { prefix: '/sdk/feature-flags', upstream: 'organizations', auth: 'api_key' },
  { prefix: '/sdk/feature-flags/stream', upstream: 'organizations', auth: 'api_key', stream: true },
  { prefix: '/user_management/users/:id/feature-flags', upstream: 'organizations', auth: 'api_key' },
  // Admin Portal (admin-portal): links by API key; the pages authenticate their own session
  // cookie (HTML, including error pages); IT contacts below organizations' path (longer prefix wins).
  { prefix: '/portal/generate_link', upstream: 'admin-portal', auth: 'api_key' },
  { prefix: '/portal/o', upstream: 'admin-portal', auth: 'none', htmlPages: true },
  { prefix: '/organizations/:id/it_contacts', upstream: 'admin-portal', auth: 'api_key' },
  // Widgets (identity): the token is minted with an API key; the widgets' own calls from the
  // customer's browser carry only that token.
  { prefix: '/widgets', upstream: 'identity', auth: 'widget_token' },
  { prefix: '/widgets/token', upstream: 'identity', auth: 'api_key' },
  // The Java SDK's remaining methods: an organization's audit-log configuration (audit-logs) and
  // the Connect applications its users authorized (identity), below organizations' path.
  { prefix: '/organizations/:id/audit_log_configuration', upstream: 'audit-logs', auth: 'api_key' },
  { prefix: '/organizations/:id/authorized_applications', upstream: 'identity', auth: 'api_key' },
  // SSO RP-initiated logout: the token is made with the API key; the browser redirect carries it.
  { prefix: '/sso/logout/authorize', upstream: 'sso', auth: 'api_key' },
  { prefix: '/sso/logout', upstream: 'sso', auth: 'none' },
  // OAuth 2.0 device authorization (RFC 8628 §3.1): a device (public client) or a backend asks.
  { prefix: '/user_management/authorize/device', upstream: 'identity', auth: 'api_key_or_client_id' },
  // The Client API token (identity signs it for a member of an organization).
  { prefix: '/client', upstream: 'identity', auth: 'api_key' },
  // The Dashboard console (issue 22): its pages authenticate their own session cookie.
  { prefix: '/dashboard', upstream: 'dashboard', auth: 'none', htmlPages: true },
  // Usage analytics: the events service projects monthly active users and billable connections;
  // the rate-limit counts live in the gateway's Redis, so the gateway answers that one itself.
  { prefix: '/usage', upstream: 'events', auth: 'api_key' },
  { prefix: '/usage/rate_limits', upstream: 'gateway', auth: 'api_key' },
];

/**
 * How the gateway keeps the `Idempotency-Key` record of a create:
 * - `response`: the answer is stored (sealed, see IdempotencyService) and a repeat with the same
 *   key and request gets it back (`Idempotent-Replayed: true`). Only for creates whose answer
 *   holds nothing secret or one-time, so a replay tells the caller nothing a GET would not.
 * - `reference`: the answer carries a value shown once (an API key's `value`), which is never
 *   stored. Only the created resource's ID and the request's fingerprint are kept, and a repeat
 *   answers 409 `idempotency_key_already_used` naming that ID: still never created twice.
 */
export type IdempotencyStorage = 'response' | 'reference';

/**
 * The creates (POST) on which the gateway honours an `Idempotency-Key`. WorkOS documents the
 * header on five creates (WORKOS_API.md: createOrganization, createUserApiKey,
 * createOrganizationApiKey, audit-log createEvent and createSchema); the others listed here are
 * creates whose replay is harmless (their answer holds no secret, token or one-time value) and
 * whose retry would otherwise fail with a conflict or make a duplicate. Everywhere else the
 * header is ignored, as WorkOS ignores it, and each request runs:
 * - sign-ins and token grants (authenticate, /sso/token), MFA enrolment, challenges and
 *   verification, sessions, one-time codes (magic auth, password reset, email verification) and
 *   secret rotation: a replay would hand a second caller the first caller's tokens or codes;
 * - creates whose answer carries a secret and that WorkOS does not document as idempotent:
 *   invitations (`token`, `accept_invitation_url`), directories (`bearer_token`), webhook
 *   endpoints (`secret`), audit-log streams (an HTTPS stream's signing `secret`), Connect client
 *   secrets, vault data keys. Never stored, so never replayed.
 */
export const IDEMPOTENT_CREATES: readonly { path: string; stores: IdempotencyStorage }[] = [
  // Catalogued (createOrganization); an organization holds no secret.
  { path: '/organizations', stores: 'response' },
  // Catalogued (createOrganizationApiKey, createUserApiKey); the answer's `value` is shown once.
  { path: '/organizations/:id/api_keys', stores: 'reference' },
  { path: '/user_management/users/:id/api_keys', stores: 'reference' },
  // Catalogued (createSchema); a schema holds no secret.
  { path: '/audit_logs/actions/:action/schemas', stores: 'response' },
  // Harmless replays: a retried create must not turn into an "already exists" conflict. A
  // domain's `verification_token` is the public DNS TXT value, also answered by GET.
  { path: '/organization_domains', stores: 'response' },
  { path: '/user_management/users', stores: 'response' },
  { path: '/user_management/organization_memberships', stores: 'response' },
  // Harmless replays: a retry must not start a second export or a second connection (an export
  // is answered `pending`, without its download link; a connection's secrets are never answered).
  { path: '/audit_logs/exports', stores: 'response' },
  { path: '/connections', stores: 'response' },
  // Harmless replay: a vault object's create answers its metadata, never the value.
  { path: '/vault/v1/kv', stores: 'response' },
  // Harmless replays: the authorization catalogue, resources and groups (slug conflicts).
  { path: '/authorization/permissions', stores: 'response' },
  { path: '/authorization/roles', stores: 'response' },
  { path: '/authorization/organizations/:id/roles', stores: 'response' },
  { path: '/authorization/resources', stores: 'response' },
  { path: '/organizations/:id/groups', stores: 'response' },
  // Harmless replay: a Pipes integration answers only a redacted client secret (slug conflicts).
  { path: '/data-integrations', stores: 'response' },
  // Harmless replays: a Connect application answers its client ID, never a secret (those are
  // made by /connect/applications/:id/client_secrets, not listed); an agent blueprint holds none.
  { path: '/connect/applications', stores: 'response' },
  { path: '/agents/blueprints', stores: 'response' },
  // Harmless replay: feature flags, our create extension (slug conflicts).
  { path: '/feature-flags', stores: 'response' },
  // Harmless replay: IT contacts (an "already a contact" conflict); the invitation link is only mailed.
  { path: '/organizations/:id/it_contacts', stores: 'response' },
];
const IDEMPOTENT_PATTERNS = IDEMPOTENT_CREATES.map((c) => ({ pattern: compilePath(c.path), stores: c.stores }));

/**
 * Creates whose service keeps the idempotency record itself, durably, in the same transaction as
 * what it creates: the gateway checks the header's length and forwards it, and stores nothing.
 * A second record here would cost every keyed request a Redis claim and a sealed answer for no
 * guarantee the service does not already give (the SDK sends a key with every `createEvent`).
 * Catalogued (audit-log createEvent); the answer is `{"success": true}`.
 */
export const SERVICE_IDEMPOTENT_CREATES: readonly string[] = ['/audit_logs/events'];
const SERVICE_IDEMPOTENT_PATTERNS = SERVICE_IDEMPOTENT_CREATES.map((p) => compilePath(p));

/** Who keeps the `Idempotency-Key` record of a POST, and (the gateway) what it stores. */
export type IdempotencyKeeper = { keeper: 'gateway'; stores: IdempotencyStorage } | { keeper: 'service' };

/**
 * Who keeps the `Idempotency-Key` record of a POST (the path without its query): the gateway
 * (IDEMPOTENT_CREATES), the service (SERVICE_IDEMPOTENT_CREATES), or nobody (the header is ignored).
 */
export function idempotencyKeeper(method: string, path: string): IdempotencyKeeper | undefined {
  if (method !== 'POST') return undefined;
  const create = IDEMPOTENT_PATTERNS.find((c) => c.pattern.test(path));
  if (create) return { keeper: 'gateway', stores: create.stores };
  return SERVICE_IDEMPOTENT_PATTERNS.some((p) => p.test(path)) ? { keeper: 'service' } : undefined;
}

/** Public paths of products not built yet. Until their entries move to ROUTES they answer 404. */
export const RESERVED_PREFIXES: readonly string[] = [
  '/sso',
  '/vault',
  '/auth',
  '/fga',
];

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * Where a request goes: its route (undefined when none serves it) and, when it used an alias, the
 * canonical URL it was rewritten to; or the alias parameter given twice.
 */
export type Resolution = { route: RouteEntry | undefined; rewritten?: string } | { ambiguousParameter: string };

export interface RouteMatcher {
  match(path: string): RouteEntry | undefined;
  /**
   * The gateway's routing step. Invariant: a path whose route has no alias below it costs one
   * match and one set lookup; only those prefixes, and paths no route serves, scan ALIASES.
   */
  resolve(method: string, path: string, query: string): Resolution;
  /** True when some alias could apply below this route, so its requests are checked against ALIASES. */
  hasAliases(route: RouteEntry): boolean;
  readonly aliases: CompiledAlias[];
}

/** Longest prefix wins, so a specific entry can override a broader one later. */
export function createRouteMatcher(routes: readonly RouteEntry[] = ROUTES, aliases: CompiledAlias[] = compileAliases()): RouteMatcher {
  const sorted = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  const patterns = new Map(sorted.filter((r) => r.prefix.includes('/:')).map((r) => [r, compilePath(`${r.prefix}/*`)]));
  // A route can only match paths with its prefix's first segment (never a parameter: checked
  // here), so each request scans that segment's routes alone, still longest prefix first.
  const bySegment = new Map<string, RouteEntry[]>();
  for (const r of sorted) {
    const segment = firstSegment(r.prefix);
    if (segment.startsWith(':')) throw new Error(`route ${r.prefix}: the first segment cannot be a parameter`);
    bySegment.set(segment, [...(bySegment.get(segment) ?? []), r]);
  }
  const match = (path: string) => {
    // Dot segments could make a service resolve a path other than the one routed here.
    if (DOT_SEGMENT.test(path)) return undefined;
    return bySegment.get(firstSegment(path))?.find((r) => patterns.get(r)?.test(path) ?? (path === r.prefix || path.startsWith(`${r.prefix}/`)));
  };
  const under = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
  const aliased = new Set(routes.filter((r) => aliases.some((a) => a.to && (under(a.literal, r.prefix) || under(r.prefix, a.literal)))));
  const resolve = (method: string, path: string, query: string): Resolution => {
    const route = match(path);
    if (route && !aliased.has(route)) return { route };
    const r = rewrite(aliases, method, path, query);
    if (!r) return { route };
    if ('error' in r) return { ambiguousParameter: r.parameter };
    const q = r.url.indexOf('?');
    return { route: match(q === -1 ? r.url : r.url.slice(0, q)), rewritten: r.url };
  };
  return { match, resolve, hasAliases: (route) => aliased.has(route), aliases };
}

/** `/a/b` → `a`; `/a` → `a`. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end < 0 ? path.slice(1) : path.slice(1, end);
}

/** The distinct services that at least one live route forwards to. */
export function routedUpstreams(routes: readonly RouteEntry[] = ROUTES): UpstreamName[] {
  return [...new Set(routes.map((r) => r.upstream).filter((u): u is UpstreamName => u !== 'gateway'))];
}

/** True when the path belongs to a product this deployment does not serve yet. */
export function isReserved(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}
