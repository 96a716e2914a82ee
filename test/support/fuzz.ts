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
const KEYS = ['name', 'domain_data', 'metadata', 'external_id', 'domain', 'organization_id', 'state', 'stripe_customer_id', 'allow_profiles_outside_organization', '__proto__', 'constructor', 'prototype', 'toString', 'ключ', ''];

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
];
const QUERY_KEYS = ['limit', 'after', 'before', 'order', 'domains', 'events', 'events[]', 'range_start', 'range_end', 'organization_id', '__proto__', 'constructor[prototype][x]', 'limit[]'];
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

export function fuzzRequest(r: Rand, ids: FuzzIds): FuzzRequest {
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
