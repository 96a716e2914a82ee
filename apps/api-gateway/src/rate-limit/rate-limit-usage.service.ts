import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { Logger } from '@wos/platform';
import { HotPathRedisService } from '../infra/hot-path-redis.service';
import type { Counter } from './rate-limit.policy';

/** How long a minute's counts are kept: 48 hours, the longest window GET /usage/rate_limits serves. */
export const USAGE_RETENTION_MINUTES = 2880;
/* Counts are written to Redis at most this long after the first unwritten one. */
const FLUSH_MS = 1000;
/* Distinct (environment, minute, bucket) counts kept in memory while Redis is unavailable. */
const MAX_PENDING = 10_000;

export interface RateLimitUsageRow {
  bucket: string;
  minute: string;
  requests: number;
  limited: number;
}

const SEP = '\n';
export const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/**
 * Requests and 429s per (environment, minute, rate-limit bucket), for the usage report.
 * Hot path: one Map increment per counter of the request, no Redis call; the counts are written
 * by a timer (armed only while counts are pending, so an idle gateway never wakes for it) as one
 * pipeline of HINCRBY into one hash per (environment, minute), which expires after 48 hours.
 * Counts are best effort like the limits themselves (never a reason to refuse a request): while
 * Redis is unavailable they are kept up to MAX_PENDING distinct entries, then new ones dropped.
 */
@Injectable()
export class RateLimitUsageService implements OnApplicationShutdown {
  private pending = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly redis: HotPathRedisService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.flush();
  }

  /** Counts one request against each of its buckets, and a 429 against each bucket that refused it. */
  record(environmentId: string | undefined, counters: Counter[], refusedBy: ReadonlySet<Counter>, now = Date.now()): void {
    if (!environmentId) return;
    const minute = minuteOf(now);
    for (const c of counters) {
      if (!c.bucket) continue;
      this.add(`${environmentId}${SEP}${minute}${SEP}r|${c.bucket}`, 1);
      if (refusedBy.has(c)) this.add(`${environmentId}${SEP}${minute}${SEP}l|${c.bucket}`, 1);
    }
    this.schedule();
  }

  /** The environment's counts of the last `minutes` minutes (the current one included), oldest first. */
  async read(environmentId: string, minutes: number, now = Date.now()): Promise<RateLimitUsageRow[] | undefined> {
    const last = minuteOf(now);
    const range = Array.from({ length: minutes }, (_, i) => last - minutes + 1 + i);
    const hashes = await this.redis.tryRun('rate-limit-usage', async (client) => {
      const p = client.pipeline();
      for (const m of range) p.hgetall(this.key(environmentId, m));
      return (await p.exec()) ?? [];
    });
    if (!hashes) return undefined;
    const rows: RateLimitUsageRow[] = [];
    range.forEach((m, i) => {
      const [err, hash] = hashes[i] ?? [];
      if (err || !hash) return;
      const byBucket = new Map<string, RateLimitUsageRow>();
      for (const [field, value] of Object.entries(hash as Record<string, string>)) {
        const bucket = field.slice(2);
        const row = byBucket.get(bucket) ?? { bucket, minute: new Date(m * 60_000).toISOString(), requests: 0, limited: 0 };
        if (field.startsWith('r|')) row.requests += Number(value);
        else if (field.startsWith('l|')) row.limited += Number(value);
        byBucket.set(bucket, row);
      }
      rows.push(...[...byBucket.values()].sort((a, b) => (a.bucket < b.bucket ? -1 : 1)));
    });
    return rows;
  }

  private add(key: string, by: number): void {
    const current = this.pending.get(key);
    if (current !== undefined) this.pending.set(key, current + by);
    else if (this.pending.size < MAX_PENDING) this.pending.set(key, by);
  }

  private key(environmentId: string, minute: number): string {
    return `${this.config.REDIS_KEY_PREFIX}usage:rl:${environmentId}:${minute}`;
  }

  private schedule(): void {
    if (this.timer || this.stopped || !this.pending.size) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS);
    this.timer.unref();
  }

  /**
   * Writes the pending counts. While Redis is down they wait (bounded) for the next flush; a
   * write that was sent and failed or timed out is dropped, since it may have been applied, and
   * counting it twice would be worse than missing it.
   */
  private async flush(): Promise<void> {
    if (!this.pending.size) return;
    if (!this.redis.available) {
      if (this.pending.size >= MAX_PENDING) this.logger.warn({ pending: this.pending.size }, 'redis unavailable: new rate-limit usage counts are dropped until it is back');
      return this.schedule();
    }
    const batch = this.pending;
    this.pending = new Map();
    await this.redis.tryRun('rate-limit-usage', async (client) => {
      const p = client.pipeline();
      const keys = new Set<string>();
      for (const [k, by] of batch) {
        const [env, minute, field] = k.split(SEP) as [string, string, string];
        const key = this.key(env, Number(minute));
        keys.add(key);
        p.hincrby(key, field, by);
      }
      for (const key of keys) p.expire(key, USAGE_RETENTION_MINUTES * 60 + 120);
      const failed = ((await p.exec()) ?? []).find(([err]) => err);
      if (failed) throw failed[0];
    });
    this.schedule();
  }
}
