/** A small seeded PRNG (mulberry32): the same seed replays the same requests. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rand, p: number) => r() < p;

const STRINGS = [
  '', ' ', 'x', 'Acme', 'ünïcödé', '名前', '🚀🔥', '\u202eevil', 'a\u0000b', '\ud800', '\\', '"', "'; DROP TABLE organizations; --",
  '../../etc/passwd', '%00', '${jndi:ldap://x}', '<script>', 'x'.repeat(300), 'x'.repeat(5000), 'example.com', 'good.example', 'verified', 'pending',
];
const NUMBERS = [0, -1, 1, 3.5, 1e308, -1e308, 2 ** 53 + 1, 5e-324, 101, 100, 10];
const KEYS = [
  'name', 'domain_data', 'metadata', 'external_id', 'domain', 'organization_id', 'state', 'stripe_customer_id', 'allow_profiles_outside_organization', '__proto__', 'constructor', 'prototype', 'toString', 'ключ', '',
  // The security review's vectors: an API key in the body (L12), an invitation on any write (M11), a provider beside an organization (C1).
  'client_secret', 'invitation_token', 'provider',
];

function randString(r: Rand): string {
  if (chance(r, 0.3)) {
    let s = '';
    const n = Math.floor(r() * 20);
    for (let i = 0; i < n; i++) s += String.fromCodePoint(Math.floor(r() * (chance(r, 0.8) ? 0x80 : 0x10ffff)));
    return s.replace(/[\ud800-\udfff]/g, '?');
  }
  return pick(r, STRINGS);
}

function defineOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so `__proto__` becomes an own key that JSON.stringify sends.
  Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
}

export function randJson(r: Rand, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 4 : 7));
  switch (k) {
    case 0: return null;
    case 1: return chance(r, 0.5);
    case 2: return pick(r, NUMBERS);
    case 3: return randString(r);
    case 4: return Array.from({ length: Math.floor(r() * 4) }, () => randJson(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(r() * 5);
      for (let i = 0; i < n; i++) defineOwn(o, chance(r, 0.8) ? pick(r, KEYS) : randString(r), randJson(r, depth + 1));
      return o;
    }
  }
}

/** A body shaped like a real one with one or two fields wrong, so it reaches deeper layers. */
function nearlyValid(r: Rand, ids: FuzzIds): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: chance(r, 0.7) ? `Fuzz ${Math.floor(r() * 1e6)}` : randJson(r, 2),
    domain_data: chance(r, 0.5) ? [{ domain: `${pick(r, ['a', 'b', 'c', randString(r)])}.fuzz.example`, state: pick(r, ['verified', 'pending', 'failed', randString(r)]) }] : undefined,
    metadata: chance(r, 0.5) ? { [pick(r, KEYS)]: chance(r, 0.7) ? randString(r) : randJson(r, 2) } : undefined,
    external_id: chance(r, 0.3) ? randString(r) : undefined,
    domain: chance(r, 0.5) ? `${Math.floor(r() * 1e6)}.fuzz.example` : undefined,
    organization_id: chance(r, 0.5) ? ids.orgId : undefined,
  };
  if (chance(r, 0.3)) defineOwn(body, pick(r, KEYS), randJson(r, 1));
  return body;
}

export interface FuzzIds {
  orgId: string;
  domainId: string;
  apiKey: string;
  /** The environment's client ID and a redirect URI registered for it (the browser routes). */
  clientId: string;
  redirectUri: string;
  /** A session of the environment, for logout (ending it again is still a logout). */
  sessionId: string;
  /** A pending invitation's token, to an address no fuzzed grant signs in as. */
  invitationToken: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

const ROUTES = [
  '/organizations', '/organizations/{org}', '/organizations/external_id/{seg}', '/organization_domains', '/organization_domains/{dom}',
  '/organization_domains/{dom}/verify', '/events', '/openapi.json', '/health', '/{seg}', '/user_management/users', '/user_management/users/{seg}',
  '/user_management/authenticate', '/user_management/organization_memberships', '/user_management/invitations', '/user_management/authorize',
  '/sso/authorize', '/sso/token', '/sso/profile', '/connections', '/connections/{seg}', '/directories', '/directories/{seg}', '/directory_users',
  '/directory_groups', '/scim/v2/{seg}/Users', '/webhook_endpoints', '/webhook_endpoints/{seg}', '/auth/factors/enroll',
  // Feature flags (never the event stream: it does not end).
  '/feature-flags', '/feature-flags/{seg}', '/feature-flags/{seg}/enable', '/feature-flags/{seg}/targets/{org}', '/organizations/{org}/feature-flags',
  '/user_management/users/{seg}/feature-flags', '/sdk/feature-flags',
  '/user_management/sessions/logout', '/user_management/sessions/revoke',
];
const QUERY_KEYS = [
  'limit', 'after', 'before', 'order', 'domains', 'events', 'events[]', 'range_start', 'range_end', 'organization_id', '__proto__', 'constructor[prototype][x]', 'limit[]',
  'client_secret', 'client%5Fsecret', 'return_to', 'session_id', 'provider', 'invitation_token',
];
const QUERY_VALUES = ['10', '0', '-1', '1e400', '99999999999999999999', 'NaN', 'asc', 'desc', 'normal', 'organization.created', 'organization.created,organization.deleted', '2026-01-01', 'not-a-date', '', '%', '%zz'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'application/vnd.api+json', ''];

/** encodeURIComponent, with lone surrogates (which it cannot encode) replaced. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

function segment(r: Rand, real: string): string {
  if (chance(r, 0.4)) return real;
  const raw = pick(r, [real.toLowerCase(), `${real}x`, 'org_01HZZZZZZZZZZZZZZZZZZZZZZZ', '..', '%2e%2e', '%2F', '%', '%zz', '__proto__', 'constructor', 'x'.repeat(2000)]);
  return chance(r, 0.3) ? encode(randString(r)) : raw;
}

function query(r: Rand): string {
  if (chance(r, 0.4)) return '';
  const parts = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
    const v = chance(r, 0.3) ? encode(randString(r)) : pick(r, QUERY_VALUES);
    return `${encodeURIComponent(pick(r, QUERY_KEYS))}=${v}`;
  });
  return `?${parts.join('&')}`;
}

/**
 * X-Forwarded-For as a client may send it (security review M3): garbage, huge, hundreds of hops,
 * spoofed addresses. Past Node's 16 KiB of headers the gateway answers 431 itself.
 */
function forwardedFor(r: Rand): string {
  const ip = () => pick(r, ['127.0.0.1', '10.0.0.1', '::1', '[::1]:443', '::ffff:10.0.0.7', '203.0.113.9:8080', '0.0.0.0', '255.255.255.255', '999.1.1.1', 'unknown', '_hidden', '', ' ']);
  return pick(r, [
    // Only what a header value may carry (Node's client refuses the rest before sending).
    () => randString(r).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'),
    () => ip(),
    () => Array.from({ length: 2 + Math.floor(r() * 8) }, ip).join(pick(r, [', ', ',', ' , ', ',,'])),
    () => Array.from({ length: 500 + Math.floor(r() * 1500) }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`).join(', '),
    () => 'x'.repeat(pick(r, [4000, 12000, 20000])),
    () => pick(r, ['for=1.2.3.4;proto=https', '1.2.3.4, , ,', ', 10.0.0.1', '1.2.3.4:99999', '[fe80::1%eth0]', '2001:db8::1, 127.0.0.1']),
    () => `${ip()}\t, ${ip()}`,
  ])();
}

/** `return_to` values a phishing link would try (security review M2): only the registered URI itself may be followed. */
export function hostileReturnTos(registered: string): string[] {
  const u = new URL(registered);
  return [
    registered,
    'https://evil.example/', '//evil.example/', '/\\evil.example', 'https:evil.example', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>',
    `${u.protocol}//${u.host}.evil.example${u.pathname}`, `${u.protocol}//${u.host}@evil.example${u.pathname}`, `${u.protocol}//evil.example@${u.host}${u.pathname}`,
    `${registered}/../../evil`, `${registered}?next=https://evil.example`, `${registered}#@evil.example`, `${registered}%0d%0aLocation:%20https://evil.example`,
    `${registered}\r\nLocation: https://evil.example`, registered.toUpperCase(), registered.replace(/^https:/, 'http:'), ` ${registered}`, `${registered} `, `${registered}/`,
    encodeURIComponent(registered), `${u.protocol}//${u.host}:444${u.pathname}`, '', 'x'.repeat(3000), `${registered}${'/a'.repeat(1100)}`,
  ];
}

/**
 * The security review's input vectors on the routes they concern: logout with a hostile
 * `return_to` (M2), authorize with `provider` and `organization_id` together (C1), the
 * authenticate grants with an `invitation_token` (M11), an API key as `client_secret` in the
 * query or the body (L12).
 */
function reviewVector(r: Rand, ids: FuzzIds): FuzzRequest {
  const garbage = () => (chance(r, 0.5) ? randString(r) : pick(r, ['', 'x'.repeat(600), '%00', 'session_01HZZZZZZZZZZZZZZZZZZZZZZZ', ids.orgId]));
  const q = (params: [string, string][]) => `?${params.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`;
  const headers: Record<string, string> = {};
  switch (pick(r, ['logout', 'logout', 'authorize', 'grant', 'grant', 'secret'] as const)) {
    case 'logout': {
      const params: [string, string][] = [['session_id', chance(r, 0.7) ? ids.sessionId : garbage()], ['return_to', pick(r, hostileReturnTos(ids.redirectUri))]];
      if (chance(r, 0.15)) params.push(['return_to', pick(r, hostileReturnTos(ids.redirectUri))]);
      if (chance(r, 0.1)) params.reverse();
      return { method: pick(r, ['GET', 'GET', 'GET', 'POST', 'HEAD']), path: `/user_management/sessions/logout${q(params)}`, headers };
    }
    case 'authorize': {
      const params: [string, string][] = [
        ['client_id', chance(r, 0.8) ? ids.clientId : garbage()],
        ['redirect_uri', chance(r, 0.8) ? ids.redirectUri : pick(r, hostileReturnTos(ids.redirectUri))],
        ['response_type', chance(r, 0.9) ? 'code' : garbage()],
        ['provider', pick(r, ['GoogleOAuth', 'MicrosoftOAuth', 'GitHubOAuth', 'AppleOAuth', 'authkit', 'SSO', '', randString(r)])],
        ['organization_id', chance(r, 0.7) ? ids.orgId : garbage()],
      ];
      if (chance(r, 0.3)) params.push(['connection_id', garbage()]);
      if (chance(r, 0.3)) params.push(['state', randString(r)]);
      return { method: 'GET', path: `/user_management/authorize${q(params)}`, headers };
    }
    case 'grant': {
      const body: Record<string, unknown> = {
        grant_type: pick(r, ['password', 'authorization_code', 'urn:workos:oauth:grant-type:magic-auth:code', 'refresh_token', 'urn:workos:oauth:grant-type:email-verification:code', randString(r)]),
        client_id: chance(r, 0.8) ? ids.clientId : garbage(),
        email: pick(r, ['fuzz@invite.fuzz.example', 'nobody@fuzz.example', randString(r)]),
        password: pick(r, ['a password long enough 1', '', randString(r)]),
        code: pick(r, ['123456', '', randString(r)]),
        invitation_token: pick(r, [ids.invitationToken, ids.invitationToken, garbage(), randJson(r, 2)]),
      };
      if (chance(r, 0.7)) body.client_secret = pick(r, [ids.apiKey, 'sk_test_nope', '', randString(r)]);
      else headers.authorization = `Bearer ${ids.apiKey}`;
      const form = chance(r, 0.3);
      headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
      const text = form
        ? Object.entries(body).map(([k, v]) => `${encodeURIComponent(k)}=${encode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}`).join('&')
        : JSON.stringify(body);
      return { method: 'POST', path: pick(r, ['/user_management/authenticate', '/sso/token']), headers, body: text };
    }
    case 'secret': {
      // The API key travels as client_secret instead of a header: in the query, or beside another body.
      const secret = pick(r, [ids.apiKey, ids.apiKey, 'sk_test_nope', '', ` ${ids.apiKey}`, randString(r)]);
      if (chance(r, 0.3)) headers.authorization = `Bearer ${pick(r, [ids.apiKey, 'sk_test_other'])}`;
      const path = pick(r, ['/organizations', `/organizations/${ids.orgId}`, '/user_management/users', '/connections', '/events?events=organization.created']);
      if (chance(r, 0.5)) return { method: 'GET', path: `${path}${path.includes('?') ? '&' : '?'}${pick(r, ['client_secret', 'client%5Fsecret', 'Client_Secret'])}=${encode(secret)}`, headers };
      headers['content-type'] = 'application/json';
      return { method: 'POST', path: path.split('?')[0]!, headers, body: JSON.stringify({ name: `Fuzz ${Math.floor(r() * 1e6)}`, client_secret: chance(r, 0.8) ? secret : randJson(r, 1) }) };
    }
  }
}

export function fuzzRequest(r: Rand, ids: FuzzIds): FuzzRequest {
  if (chance(r, 0.25)) {
    const req = reviewVector(r, ids);
    if (chance(r, 0.3)) req.headers['x-forwarded-for'] = forwardedFor(r);
    return req;
  }
  const method = pick(r, ['GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
  const path =
    pick(r, ROUTES)
      .replace('{org}', segment(r, ids.orgId))
      .replace('{dom}', segment(r, ids.domainId))
      .replace('{seg}', segment(r, 'target')) + (chance(r, 0.1) ? pick(r, ['/', '//', '/..', '/%2e%2e/organizations']) : '') + query(r);

  const headers: Record<string, string> = {};
  const auth = r();
  if (auth < 0.75) headers.authorization = `Bearer ${ids.apiKey}`;
  else if (auth < 0.9) headers.authorization = pick(r, ['Bearer ', 'Bearer sk_test_nope', `Basic ${ids.apiKey}`, `bearer ${ids.apiKey}`, `Bearer ${ids.apiKey} extra`, 'Bearer ' + 'A'.repeat(5000)]);
  if (chance(r, 0.3)) headers['idempotency-key'] = pick(r, ['k1', 'k2', '', ' ', 'x'.repeat(300), `fuzz-${Math.floor(r() * 10)}`]);
  if (chance(r, 0.2)) headers['x-request-id'] = pick(r, ['fuzz-req', '', 'x'.repeat(500), 'has space', '../../', 'é']);
  if (chance(r, 0.1)) headers['x-wos-environment-id'] = 'environment_01HZZZZZZZZZZZZZZZZZZZZZZZ';
  if (chance(r, 0.1)) headers['content-encoding'] = pick(r, ['gzip', 'br', 'identity', 'bogus']);
  if (chance(r, 0.1)) headers.accept = pick(r, ['text/html', '*/*', 'application/xml', '']);
  if (chance(r, 0.2)) headers['x-forwarded-for'] = forwardedFor(r);
  if (chance(r, 0.05)) headers['x-forwarded-proto'] = pick(r, ['https', 'javascript', 'http, https', 'x'.repeat(300)]);

  let body: string | Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD' && chance(r, 0.85)) {
    const kind = r();
    if (kind < 0.45) body = JSON.stringify(nearlyValid(r, ids));
    else if (kind < 0.75) body = JSON.stringify(randJson(r)) ?? 'null';
    else if (kind < 0.85) body = JSON.stringify(nearlyValid(r, ids)).slice(0, Math.floor(r() * 30));
    else body = Buffer.from(Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
    headers['content-type'] = chance(r, 0.8) ? 'application/json' : pick(r, CONTENT_TYPES);
    if (headers['content-type'] === '') delete headers['content-type'];
  } else if (chance(r, 0.3)) {
    headers['content-type'] = 'application/json';
  }
  return { method, path, headers, body };
}

// ---------- SCIM with a real directory token (security review H1) ----------

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** Paths that reach Object.prototype through scim-patch or dotted-key expansion, before the fix. */
const POLLUTING_PATHS = [
  '__proto__.rowMode', 'constructor.prototype.rowMode', '__proto__', '__proto__:rowMode', `${ENTERPRISE}:__proto__.rowMode`,
  'name.__proto__.rowMode', 'emails[__proto__ eq "x"].rowMode', 'Constructor.Prototype.rowMode', 'constructor.prototype.toString',
];
/** Keys that do the same inside a value or a resource ("__proto__" and "constructor" alone the JSON parser already refuses). */
const POLLUTING_KEYS = ['__proto__.rowMode', 'constructor.prototype.rowMode', 'name.constructor.prototype.rowMode', `${ENTERPRISE}:__proto__.rowMode`, '__proto__', 'constructor', 'prototype'];
const SCIM_PATHS = ['active', 'title', 'displayName', 'name.givenName', 'emails[type eq "work"].value', `${ENTERPRISE}:department`, 'members'];
const SCIM_KEYS = ['active', 'title', 'displayName', 'name.familyName', 'externalId', `${ENTERPRISE}:department`];
const OP_NAMES = ['add', 'replace', 'remove', 'Add', 'Replace', 'Remove'];

/** What goes under a polluting name: mostly pg's gadget value ("array" as rowMode turns every row into an array). */
function pollutingValue(r: Rand): unknown {
  return pick(r, ['array', 'array', { rowMode: 'array' }, { 'prototype.rowMode': 'array' }, randJson(r, 2)]);
}

function withPollutingKey(r: Rand, value: Record<string, unknown> = {}): Record<string, unknown> {
  defineOwn(value, pick(r, POLLUTING_KEYS), pollutingValue(r));
  return value;
}

/** One operation that names a prototype somewhere: in its path, a path-less value's keys, or a value's keys. */
function pollutingOp(r: Rand): Record<string, unknown> {
  const op = pick(r, OP_NAMES);
  const kind = r();
  if (kind < 0.4) return { op, path: pick(r, POLLUTING_PATHS), value: pollutingValue(r) };
  const value: Record<string, unknown> = {};
  if (chance(r, 0.5)) defineOwn(value, pick(r, SCIM_KEYS), randString(r));
  if (kind < 0.7) return { op, value: withPollutingKey(r, value) };
  return { op, path: pick(r, SCIM_PATHS), value: chance(r, 0.7) ? withPollutingKey(r, value) : [withPollutingKey(r, { value: 'x' })] };
}

/** An ordinary operation, so a refused request also proves that nothing of it was applied. */
function plainOp(r: Rand): Record<string, unknown> {
  return pick(r, [{ op: 'replace', path: 'title', value: `fuzzed ${Math.floor(r() * 1e6)}` }, { op: 'replace', value: { displayName: 'Fuzzed' } }, { op: 'add', path: 'name.givenName', value: 'Fuzzed' }]);
}

/** A SCIM resource body with a polluting key at a random depth. */
function pollutingResource(r: Rand, kind: 'Users' | 'Groups'): Record<string, unknown> {
  const body: Record<string, unknown> = kind === 'Users'
    ? { userName: `fuzz${Math.floor(r() * 1e9)}@scim.fuzz.example`, name: { givenName: 'F' }, emails: [{ value: 'f@scim.fuzz.example', type: 'work' }] }
    : { displayName: `Fuzz ${Math.floor(r() * 1e9)}` };
  const holders = [body, ...Object.values(body).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)];
  withPollutingKey(r, pick(r, holders));
  return body;
}

export interface ScimFuzzIds {
  userId: string;
  groupId: string;
}

/**
 * A SCIM write (PATCH, POST or PUT) for one directory that tries to reach Object.prototype: every
 * request carries at least one polluting path or key, so every one must be refused whole.
 */
export function fuzzScimRequest(r: Rand, ids: ScimFuzzIds): { method: string; path: string; body: string } {
  const kind = pick(r, ['Users', 'Groups'] as const);
  const id = kind === 'Users' ? ids.userId : ids.groupId;
  const method = pick(r, ['PATCH', 'PATCH', 'PATCH', 'POST', 'PUT']);
  if (method === 'PATCH') {
    const ops = [pollutingOp(r), ...Array.from({ length: Math.floor(r() * 3) }, () => (chance(r, 0.5) ? plainOp(r) : pollutingOp(r)))];
    // The polluting operation is not always the first one.
    if (chance(r, 0.5)) ops.reverse();
    return { method, path: `/${kind}/${id}`, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops }) };
  }
  return { method, path: method === 'POST' ? `/${kind}` : `/${kind}/${id}`, body: JSON.stringify(pollutingResource(r, kind)) };
}
