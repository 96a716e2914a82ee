import { z } from 'zod';

export interface Limit {
  limit: number;
  windowMs: number;
}

/** `"<requests>/<seconds>"`, e.g. `"6000/60"`. */
export const limitSchema = z
  .string()
  .regex(/^[1-9]\d{0,8}\/[1-9]\d{0,6}$/, 'must be "<requests>/<seconds>", e.g. "6000/60"')
  .transform((s): Limit => {
    const [limit, seconds] = s.split('/').map(Number) as [number, number];
    return { limit, windowMs: seconds * 1000 };
  });

/**
 * What one counter of a rule is kept per. `environment` counts every caller of an environment
 * (API key or public client); `query:<name>` and `path:<name>` count per value of that query
 * parameter or `:name` path segment. A rule whose dimension a request does not have (no API key,
 * no client ID, no such parameter) does not apply to that request.
 */
export const DIMENSION = /^(api_key|environment|ip|client_id|query:[A-Za-z0-9_]{1,64}|path:[A-Za-z0-9_]{1,64})$/;
export type Dimension = string;

export const rateLimitRulesSchema = z.array(
  z.object({
    /** An HTTP method, a comma-separated list of them, or `*` for any. */
    method: z
      .string()
      .regex(/^(\*|[A-Za-z]+(,[A-Za-z]+)*)$/)
      .transform((m) => m.toUpperCase()),
    /** `:name` matches one segment; a trailing `/*` matches the prefix and everything below it. */
    path: z.string().regex(/^\/[A-Za-z0-9_.:/*-]*$/, 'must be a path such as /organizations/:id or /user_management/*'),
    limit: limitSchema,
    per: z.array(z.string().regex(DIMENSION, 'must be api_key, environment, ip, client_id, query:<name> or path:<name>')).min(1).default(['api_key']),
  }),
);
export type RateLimitRuleInput = z.input<typeof rateLimitRulesSchema>[number];

/**
 * WorkOS's published limits (docs `reference/rate-limits`, WORKOS_API.md §3.4) as default rules;
 * the general 6,000/60 s per API key is RATE_LIMIT_DEFAULT. The sign-in limits per email and per
 * IP, and the email-send limits, need the parsed body: identity enforces them. README lists this
 * table with the places each limit lives.
 */
export const DEFAULT_RATE_LIMIT_RULES: RateLimitRuleInput[] = [
  { method: 'DELETE', path: '/organizations/:id', limit: '50/60', per: ['api_key'] },
  { method: 'GET,HEAD', path: '/user_management/*', limit: '1000/10', per: ['environment'] },
  { method: 'POST,PUT,PATCH,DELETE', path: '/user_management/*', limit: '500/10', per: ['environment'] },
  // WorkOS counts per connection; per (connection, source IP) here, so nobody can lock an
  // organization out of SSO by spending its connection's budget (review M8 a).
  { method: 'GET', path: '/sso/authorize', limit: '1000/60', per: ['query:connection', 'ip'] },
  { method: 'GET', path: '/directory_users', limit: '4/1', per: ['environment', 'query:directory'] },
  // Not in WorkOS's published table: our defaults, sized like AuthKit's writes and reads.
  { method: 'POST', path: '/audit_logs/events', limit: '500/10', per: ['environment'] },
  { method: 'GET', path: '/events', limit: '1000/10', per: ['environment'] },
];

export interface RateLimitRule extends Limit {
  /** Stable name of the rule's counters: `<METHODS> <path pattern> per <dimensions>`. */
  id: string;
  /** Upper-case methods, or `*`. */
  methods: Set<string> | '*';
  pattern: RegExp;
  /** Names of the pattern's `:params`, in order, for `path:<name>` dimensions. */
  params: string[];
  per: Dimension[];
}

export function compileRules(rules: z.infer<typeof rateLimitRulesSchema>): RateLimitRule[] {
  return rules.map((r) => ({
    id: `${r.method} ${r.path} per ${r.per.join('+')}`,
    methods: r.method === '*' ? '*' : new Set(r.method.split(',')),
    pattern: compilePath(r.path),
    params: [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!),
    limit: r.limit.limit,
    windowMs: r.limit.windowMs,
    per: r.per,
  }));
}

/**
 * `/organizations/:id` → a regex where each `:param` matches exactly one non-empty segment;
 * `/user_management/*` matches `/user_management` and every path below it.
 */
export function compilePath(path: string): RegExp {
  const prefix = path.endsWith('/*');
  const body = path
    .replace(/\/\*$/, '')
    .replace(/\/+$/, '')
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(prefix ? `^${body}(?:/.*)?$` : `^${body}/?$`);
}

export function matchingRules(rules: RateLimitRule[], method: string, path: string): RateLimitRule[] {
  return rules.filter((r) => (r.methods === '*' || r.methods.has(method)) && r.pattern.test(path));
}
