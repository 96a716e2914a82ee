/*
 * The cookies of AuthKit's browser clients in cookie mode (@workos-inc/authkit-js off localhost):
 *
 * - `wos-refresh-<client_id>`: the client's current refresh token. HttpOnly, SameSite=Lax, Path
 *   /user_management (the authenticate and logout paths), Secure over https. The client's refresh
 *   grant sends no `refresh_token`; it comes from here. One per client ID, so two apps (or two
 *   environments) on one API host never overwrite each other's.
 * - `workos-has-session`: the client IDs holding a session, joined by "." (authkit-js reads it with
 *   document.cookie to decide whether to refresh at page load). Readable by scripts, so it carries
 *   no secret; Domain = the API host without its first label (auth.example.com → example.com),
 *   so the app's own pages on that domain can see it.
 *
 * Pure functions; the controllers apply them. Invariant: a cookie is set only on an answer to a
 * browser request (an Origin header) from a public client, which the gateway forwards with its
 * cookies only when that Origin is one of the environment's CORS origins.
 */

export const HAS_SESSION_COOKIE = 'workos-has-session';
const REFRESH_PREFIX = 'wos-refresh-';
const CLIENT_ID = /^client_[0-9A-HJKMNP-TV-Z]{26}$/;
/** Only this much of a Cookie header is read, and at most this many refresh cookies are honoured. */
const MAX_COOKIE_HEADER = 8192;
const MAX_REFRESH_COOKIES = 8;

export interface CookieScope {
  /** The API host the browser used (the gateway's X-Forwarded-Host), with or without a port. */
  host: string | undefined;
  /** True when the browser reached the gateway over https. */
  secure: boolean;
}

/** The scope from the headers the gateway sets (it sends X-Forwarded-Host/-Proto only from trusted facts). */
export function cookieScope(req: { headers: Record<string, string | string[] | undefined> }): CookieScope {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return { host: first(req.headers['x-forwarded-host']), secure: first(req.headers['x-forwarded-proto']) === 'https' };
}

/** Every cookie of a Cookie header, first occurrence of each name wins (bounded). */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const raw = (Array.isArray(header) ? header.join('; ') : (header ?? '')).slice(0, MAX_COOKIE_HEADER);
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export const refreshCookieName = (clientId: string) => `${REFRESH_PREFIX}${clientId}`;

/** The client IDs whose refresh cookies the browser sent, with the tokens (bounded). */
export function refreshCookies(cookies: Map<string, string>): { clientId: string; token: string }[] {
  return [...cookies]
    .filter(([name, value]) => name.startsWith(REFRESH_PREFIX) && CLIENT_ID.test(name.slice(REFRESH_PREFIX.length)) && value.length > 0 && value.length <= 512)
    .slice(0, MAX_REFRESH_COOKIES)
    .map(([name, token]) => ({ clientId: name.slice(REFRESH_PREFIX.length), token }));
}

/**
 * The has-session cookie's Domain: the API host minus its first label, when that leaves a name of
 * two labels or more (auth.example.com → example.com). None for IP addresses, `localhost` or a
 * two-label host: the cookie is then host-only (and a browser refuses a public suffix anyway).
 */
export function sharedDomain(host: string | undefined): string | undefined {
  const name = host?.replace(/:\d+$/, '').toLowerCase();
  if (!name || !/^[a-z0-9.-]+$/.test(name) || /^[\d.]+$/.test(name)) return undefined;
  const labels = name.split('.');
  return labels.length >= 3 ? labels.slice(1).join('.') : undefined;
}

function cookie(name: string, value: string, attributes: string[], scope: CookieScope): string {
  return [`${name}=${value}`, ...attributes, 'SameSite=Lax', ...(scope.secure ? ['Secure'] : [])].join('; ');
}

function hasSession(clientIds: string[], scope: CookieScope, maxAgeSeconds: number): string {
  const domain = sharedDomain(scope.host);
  return cookie(HAS_SESSION_COOKIE, clientIds.join('.'), ['Path=/', ...(domain ? [`Domain=${domain}`] : []), `Max-Age=${clientIds.length ? maxAgeSeconds : 0}`], scope);
}

const hasSessionIds = (cookies: Map<string, string>) => (cookies.get(HAS_SESSION_COOKIE) ?? '').split('.').filter((id) => CLIENT_ID.test(id));

/** After a browser client's sign-in or refresh: its refresh cookie, and its ID in the has-session cookie. */
export function sessionCookies(clientId: string, refreshToken: string, cookies: Map<string, string>, scope: CookieScope, maxAgeSeconds: number): string[] {
  const ids = [...new Set([...hasSessionIds(cookies), clientId])].slice(-MAX_REFRESH_COOKIES);
  return [cookie(refreshCookieName(clientId), refreshToken, ['Path=/user_management', 'HttpOnly', `Max-Age=${maxAgeSeconds}`], scope), hasSession(ids, scope, maxAgeSeconds)];
}

/** After a logout or a dead refresh cookie: those clients' refresh cookies go, and their IDs from has-session. */
export function clearedCookies(clientIds: string[], cookies: Map<string, string>, scope: CookieScope, maxAgeSeconds: number): string[] {
  if (!clientIds.length) return [];
  const remaining = hasSessionIds(cookies).filter((id) => !clientIds.includes(id));
  return [...clientIds.map((id) => cookie(refreshCookieName(id), '', ['Path=/user_management', 'HttpOnly', 'Max-Age=0'], scope)), hasSession(remaining, scope, maxAgeSeconds)];
}
