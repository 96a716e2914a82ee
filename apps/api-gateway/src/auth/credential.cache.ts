import { TtlCache } from '@wos/platform';

/** The lookup was not made: the client IP spent its lookups for this window. */
export interface Throttled {
  throttled: true;
  retryAfterSeconds: number;
}

/** Spends one cache-missing lookup of a client IP; resolves to the wait when it is over the limit. */
export type LookupBudget = (clientIp: string) => Promise<number | undefined>;

export interface CredentialCacheOptions<V> {
  lookup: (id: string) => Promise<V | null>;
  budget: LookupBudget;
  positive: { maxEntries: number; ttlMs: number };
  negative: { maxEntries: number; ttlMs: number };
}

/**
 * A credential store behind two caches: found values and misses are kept apart, so a flood of
 * made-up credentials (each a miss) evicts only other misses, never a valid credential. Every
 * lookup that reaches the store spends the client IP's lookup budget first; concurrent misses
 * for one ID share a single lookup.
 */
export class CredentialCache<V> {
  private readonly found: TtlCache<V>;
  private readonly missing: TtlCache<true>;
  private readonly inflight = new Map<string, Promise<V | null>>();

  constructor(private readonly opts: CredentialCacheOptions<V>) {
    this.found = new TtlCache(opts.positive.maxEntries);
    this.missing = new TtlCache(opts.negative.maxEntries);
  }

  async get(id: string, clientIp: string): Promise<V | null | Throttled> {
    const hit = this.found.get(id);
    if (hit) return hit.value;
    if (this.missing.get(id)) return null;
    const wait = await this.opts.budget(clientIp);
    if (wait !== undefined) return { throttled: true, retryAfterSeconds: wait };
    let pending = this.inflight.get(id);
    if (!pending) {
      pending = this.load(id).finally(() => this.inflight.delete(id));
      this.inflight.set(id, pending);
    }
    return pending;
  }

  private async load(id: string): Promise<V | null> {
    const value = await this.opts.lookup(id);
    if (value === null) this.missing.set(id, true, this.opts.negative.ttlMs);
    else this.found.set(id, value, this.opts.positive.ttlMs);
    return value;
  }
}

export function isThrottled(v: unknown): v is Throttled {
  return typeof v === 'object' && v !== null && (v as Throttled).throttled === true;
}
