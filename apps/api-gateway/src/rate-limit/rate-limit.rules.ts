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

export const rateLimitRulesSchema = z.array(
  z.object({
    /** An HTTP method, or `*` for any. */
    method: z.string().regex(/^(\*|[A-Za-z]+)$/).transform((m) => m.toUpperCase()),
    path: z.string().regex(/^\/[A-Za-z0-9_.:/-]*$/, 'must be a path such as /organizations/:id'),
    limit: limitSchema,
  }),
);

export interface RateLimitRule extends Limit {
  /** Stable name of the rule's counter: `<METHOD> <path pattern>`. */
  id: string;
  method: string;
  pattern: RegExp;
}

export function compileRules(rules: z.infer<typeof rateLimitRulesSchema>): RateLimitRule[] {
  return rules.map((r) => ({
    id: `${r.method} ${r.path}`,
    method: r.method,
    pattern: compilePath(r.path),
    limit: r.limit.limit,
    windowMs: r.limit.windowMs,
  }));
}

/** `/organizations/:id` → a regex where each `:param` matches exactly one non-empty segment. */
export function compilePath(path: string): RegExp {
  const body = path
    .replace(/\/+$/, '')
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

export function matchingRules(rules: RateLimitRule[], method: string, path: string): RateLimitRule[] {
  return rules.filter((r) => (r.method === '*' || r.method === method) && r.pattern.test(path));
}
