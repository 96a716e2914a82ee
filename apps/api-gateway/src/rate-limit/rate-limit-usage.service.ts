import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { buildEvent, isUniqueViolation, OutboxGroupAppender, type Logger, type OutboxMessage } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { HotPathRedisService } from '../infra/hot-path-redis.service';
import type { Counter } from './rate-limit.policy';
import { MinuteCounts } from './rate-limit-usage.events';

/** How long a minute's counts are kept: 48 hours, the longest window GET /usage/rate_limits serves. */
export const USAGE_RETENTION_MINUTES = 2880;
/* Counts are written to Redis at most this long after the first unwritten one. */
const FLUSH_MS = 1000;
/* Distinct (environment, minute, bucket) counts kept in memory while Redis (or Postgres) is unavailable. */
const MAX_PENDING = 10_000;
/* Events whose outbox append failed, kept (with their IDs) to be appended again. */
const MAX_UNSENT = 10_000;
/* A closed minute is published this long after its end. */
const CLOSE_MARGIN_MS = 50;

export interface RateLimitUsageRow {
  bucket: string;
  minute: string;
  requests: number;
  limited: number;
}

const SEP = '\n';
export const minuteOf = (ms: number) => Math.floor(ms / 60_000);
/* The outbox already holds a row with this event ID (its unique `event_id`): that append had committed. */
const isDuplicate = (err: unknown) => isUniqueViolation(err, 'event_id');

/**
 * Requests and 429s per (environment, minute, rate-limit bucket), counted twice over:
 *  - for the last 48 hours' per-minute view (GET /usage/rate_limits): written by a timer as one
 *    pipeline of HINCRBY into one hash per (environment, minute), which expires after 48 hours.
 *    Best effort like the limits themselves: while Redis is unavailable the counts are kept up to
 *    MAX_PENDING distinct entries, then new ones dropped; a write that failed is dropped.
 *  - for the exact monthly history (the events service's usage aggregates): once a minute is
 *    over, one `rate_limit.usage_recorded` event per environment with this process's counts of
 *    it, appended to the outbox (group commit). Invariant: a count is in exactly one event ID;
 *    an append that failed is retried with the same IDs (a duplicate-key refusal means it had
 *    committed), and the consumer's inbox drops a redelivered ID, so the sums are exact.
 * Hot path: one Map increment per counter of the request, no I/O. The timer is armed only while
 * counts are pending (FLUSH_MS while Redis has unwritten ones or an append is to be retried, else
 * at the end of the oldest open minute), so an idle gateway never wakes for it. Shutdown
 * publishes the open minute's counts too (the next process publishes its own for the rest).
 */
@Injectable()
export class RateLimitUsageService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private pending = new Map<string, number>();
  private readonly minutes = new MinuteCounts(MAX_PENDING);
  private unsent: OutboxMessage[] = [];
  private timer?: NodeJS.Timeout;
  /* When the armed timer fires (epoch ms). */
  private timerDue = 0;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly redis: HotPathRedisService,
    private readonly outbox: OutboxGroupAppender,
  ) {}

  /* While the pool is still open: everything counted so far, the open minute included. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.flush(true);
  }

  /* Whatever requests still in flight counted after that (the HTTP server closes in between). */
  async onApplicationShutdown(): Promise<void> {
    await this.flush(true);
    if (this.unsent.length) this.logger.warn({ events: this.unsent.length }, 'rate-limit usage events not appended to the outbox at shutdown are lost');
  }

  /** Counts one request against each of its buckets, and a 429 against each bucket that refused it. */
  record(environmentId: string | undefined, counters: Counter[], refusedBy: ReadonlySet<Counter>, now = Date.now()): void {
    if (!environmentId) return;
    const minute = minuteOf(now);
    for (const c of counters) {
      if (!c.bucket) continue;
      const refused = refusedBy.has(c);
      this.add(`${environmentId}${SEP}${minute}${SEP}r|${c.bucket}`, 1);
      if (refused) this.add(`${environmentId}${SEP}${minute}${SEP}l|${c.bucket}`, 1);
      this.minutes.add(environmentId, minute, c.bucket, 1, refused ? 1 : 0);
    }
    this.schedule(now);
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

  /**
   * Arms the timer for the earliest flush needed, or re-arms it earlier (a minute-end timer when
   * Redis counts arrive). Hot path: when the armed timer is due soon enough, two comparisons.
   */
  private schedule(now = Date.now()): void {
    if (this.stopped) return;
    const due = this.nextFlushAt(now);
    if (due === undefined) return;
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush(false).catch((err: Error) => this.logger.error({ err: err.message }, 'rate-limit usage flush failed'));
    }, Math.max(0, due - now));
    this.timer.unref();
  }

  /* FLUSH_MS from now while Redis has unwritten counts or an append is to be retried, else the end of the oldest open minute; none when nothing is pending. */
  private nextFlushAt(now: number): number | undefined {
    if (this.pending.size || this.unsent.length) return now + FLUSH_MS;
    const oldest = this.minutes.oldestMinute;
    return oldest === undefined ? undefined : (oldest + 1) * 60_000 + CLOSE_MARGIN_MS;
  }

  /** Writes Redis's pending counts and publishes the closed minutes (all of them when `final`). */
  private async flush(final: boolean): Promise<void> {
    await Promise.all([this.flushRedis(), this.publish(final ? Number.POSITIVE_INFINITY : minuteOf(Date.now()))]);
    this.schedule();
  }

  /**
   * Writes the pending counts. While Redis is down they wait (bounded) for the next flush; a
   * write that was sent and failed or timed out is dropped, since it may have been applied, and
   * counting it twice would be worse than missing it.
   */
  private async flushRedis(): Promise<void> {
    if (!this.pending.size) return;
    if (!this.redis.available) {
      if (this.pending.size >= MAX_PENDING) this.logger.warn({ pending: this.pending.size }, 'redis unavailable: new rate-limit usage counts are dropped until it is back');
      return;
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
  }

  /**
   * Appends one event per (environment, minute) before `beforeMinute`, and the events of earlier
   * failed appends. Each event is its own append (the appender still shares statements), so one
   * that already committed (a duplicate key) cannot hold the others back.
   */
  private async publish(beforeMinute: number): Promise<void> {
    const fresh = this.minutes.takeBefore(beforeMinute).map(
      (u): OutboxMessage => ({ topic: Topic.gatewayUsage, key: u.environmentId, event: buildEvent('rate_limit.usage_recorded', u.data, u.environmentId) }),
    );
    const batch = [...this.unsent, ...fresh];
    this.unsent = [];
    if (!batch.length) return;
    const results = await Promise.allSettled(batch.map((m) => this.outbox.append([m])));
    let firstError: unknown;
    let dropped = 0;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled' || isDuplicate(r.reason)) return;
      firstError ??= r.reason;
      if (this.unsent.length < MAX_UNSENT) this.unsent.push(batch[i]!);
      else dropped++;
    });
    if (firstError !== undefined) {
      this.logger.warn({ err: (firstError as Error).message, retrying: this.unsent.length, dropped }, 'could not append rate-limit usage events to the outbox; retrying');
    }
  }
}
