import { sha256Hex } from '@wos/platform';
import { matchingRules, type Dimension, type Limit, type RateLimitRule } from './rate-limit.rules';

/** One fixed-window counter: its Redis key and its limit. */
export interface Counter extends Limit {
  key: string;
  /**
   * The limit's name in the usage report (GET /usage/rate_limits): `api_key` (the general limit
   * of each key), `public_ip`, `public_client_id`, or the rule's id. Bounded: one per rule.
   */
  bucket?: string;
}

/** What the limits of one request depend on. */
export interface RateLimitSubject {
  method: string;
  /** The canonical path (after alias rewriting), without the query. */
  path: string;
  /** The query string without `?` (after alias rewriting). */
  query: string;
  clientIp: string;
  environmentId?: string;
  apiKey?: { apiKeyId: string; rateLimitPerMinute: number | null };
  clientId?: string;
}

export interface PolicyLimits {
  /** Per API key, unless the key has its own rate_limit_per_minute. */
  general: Limit;
  /** Requests without an API key (auth `none`, `client_id`, or a token endpoint's public client). */
  publicPerIp: Limit;
  publicPerClientId: Limit;
}

/*
 * Counter keys hash user-chosen values (query parameters, client IDs), so a key's length is
 * bounded and no value can contain the separator of another.
 */
export const digest = (parts: string[]) => sha256Hex(parts.join('\n')).slice(0, 32);

export const publicIpCounterKey = (prefix: string, clientIp: string) => `${prefix}rl:ip:${digest([clientIp])}`;

/**
 * The counters a request spends: the general limit (per API key, or per client IP and client
 * ID for callers without a key), plus one counter per matching rule, kept per the rule's
 * dimensions. Invariant: a caller with an API key is never limited by its source address (WorkOS
 * counts authenticated requests per key), and a caller without one always is.
 */
export function countersFor(subject: RateLimitSubject, limits: PolicyLimits, rules: RateLimitRule[], prefix: string): Counter[] {
  const counters: Counter[] = [];
  if (subject.apiKey) {
    const own = subject.apiKey.rateLimitPerMinute;
    counters.push({ key: `${prefix}rl:${subject.apiKey.apiKeyId}`, bucket: 'api_key', ...(own ? { limit: own, windowMs: 60_000 } : limits.general) });
  } else {
    counters.push({ key: publicIpCounterKey(prefix, subject.clientIp), bucket: 'public_ip', ...limits.publicPerIp });
    if (subject.clientId) counters.push({ key: `${prefix}rl:client:${digest([subject.clientId])}`, bucket: 'public_client_id', ...limits.publicPerClientId });
  }
  let query: URLSearchParams | undefined;
  for (const rule of matchingRules(rules, subject.method, subject.path)) {
    const values: string[] = [];
    for (const dim of rule.per) {
      const value = dimensionValue(dim, subject, rule, () => (query ??= new URLSearchParams(subject.query)));
      if (value === undefined) break;
      values.push(value);
    }
    if (values.length === rule.per.length) counters.push({ key: `${prefix}rl:rule:${digest([rule.id, ...values])}`, bucket: rule.id, limit: rule.limit, windowMs: rule.windowMs });
  }
  return counters;
}

function dimensionValue(dim: Dimension, s: RateLimitSubject, rule: RateLimitRule, query: () => URLSearchParams): string | undefined {
  if (dim === 'api_key') return s.apiKey?.apiKeyId;
  if (dim === 'environment') return s.environmentId;
  if (dim === 'ip') return s.clientIp || undefined;
  if (dim === 'client_id') return s.apiKey ? undefined : s.clientId;
  if (dim.startsWith('query:')) return query().get(dim.slice(6)) || undefined;
  // path:<name>
  const index = rule.params.indexOf(dim.slice(5));
  return index === -1 ? undefined : rule.pattern.exec(s.path)?.[index + 1];
}
