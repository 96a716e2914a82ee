import type { FastifyRequest } from 'fastify';
import type { ClientAuthService } from '../auth/client-auth.service';
import type { RouteEntry } from '../routing/route.table';

/*
 * CORS for the routes a browser app calls directly (route auth `client_id` and
 * `api_key_or_client_id` without a key: PKCE token exchanges, JWKS, authorize; `widget_token`:
 * the widgets' calls, from the customer's page with a widget token). An origin gets
 * CORS access only when it is one of the environment's CORS origins (`workos config cors add`).
 * API-key routes never answer CORS: an API key has no business in a browser.
 */

const MAX_AGE_SECONDS = '600';
const TOKEN_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

export function isBrowserRoute(route: RouteEntry): boolean {
  return route.auth === 'client_id' || route.auth === 'api_key_or_client_id' || route.auth === 'widget_token';
}

/* The widgets read, create, change and remove; the other browser routes only GET and POST. */
const methodsOf = (route: RouteEntry) => (route.auth === 'widget_token' ? 'GET, POST, PUT, PATCH, DELETE, OPTIONS' : 'GET, POST, OPTIONS');

export function isPreflight(req: FastifyRequest): boolean {
  return req.method === 'OPTIONS' && typeof req.headers.origin === 'string' && req.headers['access-control-request-method'] !== undefined;
}

/**
 * The headers that give `origin` access to a response it may read, credentialed requests
 * included: authkit-js sends its refresh cookie with `credentials: "include"` (cookie mode).
 */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin', 'access-control-expose-headers': 'X-Request-ID, Retry-After' };
}

/**
 * The answer to a preflight, or undefined when the origin is not allowed. A preflight carries no
 * body, so the client ID comes from the query or the JWKS path when it has one; otherwise any
 * environment's origin passes the preflight, and the actual response is then allowed or not for
 * the caller's own environment (see corsHeaders' use in gateway.route.ts).
 */
export async function preflightHeaders(clients: ClientAuthService, route: RouteEntry, path: string, req: FastifyRequest, clientIp: string): Promise<Record<string, string> | undefined> {
  const origin = req.headers.origin as string;
  const q = req.url.indexOf('?');
  const clientId = (q === -1 ? undefined : new URLSearchParams(req.url.slice(q + 1)).get('client_id')) ?? (path.startsWith('/sso/jwks/') ? path.slice('/sso/jwks/'.length) : undefined);
  let allowed: boolean;
  if (clientId) {
    const environment = await clients.environmentOf(clientId, clientIp);
    allowed = typeof environment === 'string' && (await clients.corsOriginAllowed(environment, origin));
  } else {
    allowed = await clients.corsOriginKnown(origin);
  }
  if (!allowed) return undefined;
  const requested = String(req.headers['access-control-request-headers'] ?? '');
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': methodsOf(route),
    ...(requested && TOKEN_LIST.test(requested) ? { 'access-control-allow-headers': requested } : {}),
    'access-control-max-age': MAX_AGE_SECONDS,
  };
}
