import { compilePath } from '../rate-limit/rate-limit.rules';

/** Where a spelling comes from (docs/compatibility.md lists every alias with it). */
export type AliasSource = 'older WorkOS API' | 'older SDK' | 'common mistake';

export interface Alias {
  /** An HTTP method (GET also matches HEAD) or `*`. */
  method: string;
  /** `:name` matches one segment; a trailing `/*` matches everything below the prefix. */
  path: string;
  /** The canonical route it is served as: `:name`, `*` and a query are filled in from the request. */
  to?: string;
  /** What a 404 for this path says instead, for spellings that are not served. */
  hint?: string;
  source: AliasSource;
}

const alias = (method: string, path: string, to: string, source: AliasSource): Alias => ({ method, path, to, source });
const hint = (method: string, path: string, message: string, source: AliasSource): Alias => ({ method, path, hint: message, source });

/*
 * Legacy and alternative spellings, one line each. An alias with `to` is served exactly as its
 * canonical route (same auth, rate limits, idempotency, upstream): the request is rewritten at
 * the gateway, never duplicated in a service. A `hint`
 * only changes the message of the 404 such a request gets anyway. Invariant: this table is read
 * only for requests under a prefix that has an alias and for requests that would answer 404, so
 * canonical routes never pay for it.
 */
export const ALIASES: readonly Alias[] = [
  alias('GET', '/directories/:id/users', '/directory_users?directory=:id', 'common mistake'),
  alias('GET', '/directories/:id/groups', '/directory_groups?directory=:id', 'common mistake'),
  alias('*', '/feature_flags/*', '/feature-flags/*', 'common mistake'),
  alias('*', '/data_integrations/*', '/data-integrations/*', 'common mistake'),
  hint('*', '/organization_memberships/*', 'Organization memberships are served under /user_management/organization_memberships (GET to list with organization_id or user_id, POST to create, /{id} for one membership).', 'common mistake'),
  hint('POST', '/user_management/sessions', 'Sessions are created by signing in with POST /user_management/authenticate; list them with GET /user_management/users/{id}/sessions, end one with POST /user_management/sessions/revoke or the browser redirect GET /user_management/sessions/logout.', 'common mistake'),
  hint('POST', '/organization_domains/verify', 'Verify a domain with POST /organization_domains/{id}/verify, where {id} is the organization domain ID (org_domain_…).', 'common mistake'),
];

export interface CompiledAlias extends Alias {
  pattern: RegExp;
  params: string[];
  /** The path before its first `:param` or `*`: the prefix requests must start with to match. */
  literal: string;
}

export function compileAliases(aliases: readonly Alias[] = ALIASES): CompiledAlias[] {
  return aliases.map((a) => ({
    ...a,
    pattern: compilePath(a.path),
    params: [...a.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!),
    literal: literalPrefix(a.path),
  }));
}

function literalPrefix(path: string): string {
  const segments = path.split('/');
  const end = segments.findIndex((s) => s.startsWith(':') || s === '*');
  return end === -1 ? path : segments.slice(0, end).join('/');
}

function methodMatches(a: Alias, method: string): boolean {
  return a.method === '*' || a.method === method || (a.method === 'GET' && method === 'HEAD');
}

export type Rewrite = { url: string; alias: CompiledAlias } | { error: 'ambiguous'; parameter: string };

/**
 * The canonical URL for a request that uses an alias, or undefined. A parameter the alias
 * puts in the query that the request also sends is refused rather than guessed.
 */
export function rewrite(aliases: CompiledAlias[], method: string, path: string, query: string): Rewrite | undefined {
  for (const a of aliases) {
    if (!a.to || !methodMatches(a, method)) continue;
    const m = a.pattern.exec(path);
    if (!m) continue;
    const values = new Map(a.params.map((name, i) => [name, m[i + 1]!]));
    const rest = a.path.endsWith('/*') ? path.slice(a.literal.length) : '';
    const [toPath = '', toQuery] = a.to.split('?') as [string, string | undefined];
    let target = toPath.replace(/:([A-Za-z0-9_]+)/g, (_, n: string) => values.get(n) ?? '');
    if (target.endsWith('/*')) target = target.slice(0, -2) + rest;
    const added = new URLSearchParams();
    for (const [k, v] of new URLSearchParams(toQuery ?? '')) {
      added.append(k, v.startsWith(':') ? safeDecode(values.get(v.slice(1)) ?? '') : v);
    }
    const given = new URLSearchParams(query);
    for (const k of added.keys()) if (given.has(k)) return { error: 'ambiguous', parameter: k };
    const q = [added.toString(), query].filter(Boolean).join('&');
    return { url: q ? `${target}?${q}` : target, alias: a };
  }
  return undefined;
}

/** The hint for a request that got a 404, if a hint line matches it. */
export function hintFor(aliases: CompiledAlias[], method: string, path: string): string | undefined {
  return aliases.find((a) => a.hint && methodMatches(a, method) && a.pattern.test(path))?.hint;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
