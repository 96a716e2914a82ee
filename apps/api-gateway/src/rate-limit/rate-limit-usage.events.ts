import type { RateLimitUsageRecorded } from '@wos/contracts';

/*
 * The per-minute counts the gateway publishes (rate_limit.usage_recorded), kept apart from the
 * Redis view's: pure, no I/O. Invariant: every count recorded is in exactly one published event
 * (or still pending), so the events service's sums are exact.
 */

export interface BucketCounts {
  requests: number;
  limited: number;
}

/** One event's worth: an environment's counts of one minute (minutes since the epoch). */
export interface MinuteUsage {
  environmentId: string;
  minute: number;
  data: RateLimitUsageRecorded;
}

/* The contract allows 1000 buckets per event; a minute with more (never, in practice) is split. */
const MAX_BUCKETS_PER_EVENT = 500;
const SEP = '\n';

/** Counts per (environment, minute), then per bucket; bounded by distinct (environment, minute, bucket). */
export class MinuteCounts {
  private readonly byMinute = new Map<string, Map<string, BucketCounts>>();
  private entries = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries;
  }

  /** The earliest minute with counts, or undefined. */
  get oldestMinute(): number | undefined {
    let oldest: number | undefined;
    for (const key of this.byMinute.keys()) {
      const m = Number(key.slice(key.indexOf(SEP) + 1));
      if (oldest === undefined || m < oldest) oldest = m;
    }
    return oldest;
  }

  /** False when the count was dropped (a new bucket past the bound). */
  add(environmentId: string, minute: number, bucket: string, requests: number, limited: number): boolean {
    const key = `${environmentId}${SEP}${minute}`;
    let buckets = this.byMinute.get(key);
    const current = buckets?.get(bucket);
    if (current) {
      current.requests += requests;
      current.limited += limited;
      return true;
    }
    if (this.entries >= this.maxEntries) return false;
    if (!buckets) this.byMinute.set(key, (buckets = new Map()));
    buckets.set(bucket, { requests, limited });
    this.entries++;
    return true;
  }

  /** Removes and returns the counts of every minute before `beforeMinute`, as events' data. */
  takeBefore(beforeMinute: number): MinuteUsage[] {
    const out: MinuteUsage[] = [];
    for (const [key, buckets] of this.byMinute) {
      const cut = key.indexOf(SEP);
      const minute = Number(key.slice(cut + 1));
      if (minute >= beforeMinute) continue;
      this.byMinute.delete(key);
      this.entries -= buckets.size;
      const rows = [...buckets].map(([bucket, c]) => ({ bucket, requests: c.requests, limited: c.limited })).sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
      for (let i = 0; i < rows.length; i += MAX_BUCKETS_PER_EVENT) {
        out.push({ environmentId: key.slice(0, cut), minute, data: { object: 'rate_limit_usage', minute: new Date(minute * 60_000).toISOString(), buckets: rows.slice(i, i + MAX_BUCKETS_PER_EVENT) } });
      }
    }
    return out;
  }
}
