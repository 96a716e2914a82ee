import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { HotPathRedisService } from '../infra/hot-path-redis.service';
import { compileRules, type RateLimitRule } from './rate-limit.rules';
import { RateLimitUsageService } from './rate-limit-usage.service';
import { countersFor, digest, publicIpCounterKey, type Counter, type PolicyLimits, type RateLimitSubject } from './rate-limit.policy';

/*
 * Fixed windows in Redis: for each counter, INCRBY its delta, start its window on the first hit
 * (PEXPIRE NX, so a later hit never extends it), and return the total and the window's
 * remaining milliseconds. One script, so a batch of counters costs one round trip.
 */
const FIXED_WINDOW_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCRBY', key, ARGV[2 * i - 1])
  redis.call('PEXPIRE', key, ARGV[2 * i], 'NX')
  out[#out + 1] = count
  out[#out + 1] = redis.call('PTTL', key)
end
return out`;

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };
type WithScript = { gatewayFixedWindow(numKeys: number, ...args: (string | number)[]): Promise<number[]> };
/** What this process knows of one Redis counter: the total at the last sync, and its own hits since. */
interface WindowState {
  total: number;
  pending: number;
  windowEndsAt: number;
}

/**
 * Fixed-window counters for every request (see countersFor: the general limit per API key, or
 * per client IP and client ID without a key, plus every RATE_LIMIT_RULES entry that matches).
 *
 * The first request of a window asks Redis; later ones are decided from the last known total
 * plus this process's own hits, which are written to Redis at most RATE_LIMIT_SYNC_MS after the
 * first unwritten one (a timer armed only while hits are pending, so an idle gateway never
 * wakes for it). That takes Redis off the hot path. Invariant: with one gateway replica the limit is exact; with N
 * replicas a window can overshoot by at most what the other replicas admit in one sync
 * interval. Fails open when Redis is unavailable (see HotPathRedisService.tryRun).
 */
@Injectable()
export class RateLimitService implements OnApplicationShutdown {
  private readonly rules: RateLimitRule[];
  private readonly limits: PolicyLimits;
  private readonly windows = new Map<string, WindowState>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: HotPathRedisService,
    private readonly usage: RateLimitUsageService,
  ) {
    this.rules = compileRules(config.RATE_LIMIT_RULES);
    this.limits = { general: config.RATE_LIMIT_DEFAULT, publicPerIp: config.PUBLIC_RATE_LIMIT_PER_IP, publicPerClientId: config.PUBLIC_RATE_LIMIT_PER_CLIENT_ID };
    redis.client.defineCommand('gatewayFixedWindow', { lua: FIXED_WINDOW_LUA });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sync();
  }

  /**
   * Spends one request from each of the request's counters, or refuses it when one is exhausted;
   * either way the request (and a refusal) is counted for its environment's usage report.
   */
  async check(subject: RateLimitSubject): Promise<RateLimitDecision> {
    const counters = countersFor(subject, this.limits, this.rules, this.config.REDIS_KEY_PREFIX);
    const refusedBy = new Set<Counter>();
    const decision = await this.spend(counters, refusedBy);
    this.usage.record(subject.environmentId, counters, refusedBy);
    return decision;
  }

  /** Spends one request from each counter, and refuses when any of them is over its limit (adding those to `refusedBy`). */
  async spend(counters: Counter[], refusedBy?: Set<Counter>): Promise<RateLimitDecision> {
    const now = Date.now();
    const unknown = counters.filter((c) => !this.live(c.key, now));
    if (unknown.length) await this.increment(unknown.map((c) => ({ counter: c, by: 1 })), now, false);
    let retryAfterMs = 0;
    for (const c of counters) {
      const w = this.live(c.key, now);
      if (!w) continue; // Redis unavailable: fail open for this counter
      const seen = unknown.includes(c) ? w.total : w.total + w.pending + 1;
      if (seen > c.limit) {
        retryAfterMs = Math.max(retryAfterMs, w.windowEndsAt - now);
        refusedBy?.add(c);
      }
    }
    if (retryAfterMs) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    for (const c of counters) if (!unknown.includes(c)) this.windows.get(c.key)!.pending++;
    if (counters.some((c) => !unknown.includes(c))) this.scheduleSync();
    return { allowed: true };
  }

  /** Spends one credential lookup (a cache miss) of a client IP; the wait in seconds when it is over. */
  async spendLookup(clientIp: string): Promise<number | undefined> {
    const decision = await this.spend([{ key: `${this.config.REDIS_KEY_PREFIX}rl:lookup:${digest([clientIp])}`, ...this.config.CREDENTIAL_LOOKUPS_PER_IP }]);
    return decision.allowed ? undefined : decision.retryAfterSeconds;
  }

  /**
   * Seconds until the client IP's public limit has room again, when this process already knows
   * it is used up; 0 otherwise. From memory only (no Redis call), so floods of requests without
   * an API key are refused before they cost a credential lookup.
   */
  publicIpExhausted(clientIp: string, now = Date.now()): number {
    const w = this.live(publicIpCounterKey(this.config.REDIS_KEY_PREFIX, clientIp), now);
    return w !== undefined && w.total + w.pending >= this.limits.publicPerIp.limit ? Math.max(1, Math.ceil((w.windowEndsAt - now) / 1000)) : 0;
  }

  private live(key: string, now: number): WindowState | undefined {
    const w = this.windows.get(key);
    return w && w.windowEndsAt > now ? w : undefined;
  }

  /** Arms the sync timer unless it is armed; a sync that leaves hits pending (Redis down) re-arms it. */
  private scheduleSync(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sync().finally(() => {
        this.timer = undefined;
        if ([...this.windows.values()].some((w) => w.pending)) this.scheduleSync();
      });
    }, this.config.RATE_LIMIT_SYNC_MS);
    this.timer.unref();
  }

  /** Writes this process's pending hits to Redis and refreshes every known total. */
  private async sync(): Promise<void> {
    const now = Date.now();
    const batch: { counter: Counter; by: number }[] = [];
    for (const [key, w] of this.windows) {
      if (w.windowEndsAt <= now) this.windows.delete(key);
      else if (w.pending) batch.push({ counter: { key, limit: 0, windowMs: w.windowEndsAt - now }, by: w.pending });
    }
    if (batch.length) await this.increment(batch, now, true);
  }

  /**
   * Adds `by` to each counter in Redis and records the totals. When `flushing`, `by` is hits
   * already counted as pending here, so they stop being pending.
   */
  private async increment(batch: { counter: Counter; by: number }[], now: number, flushing: boolean): Promise<void> {
    const args = batch.flatMap((b) => [b.by, b.counter.windowMs]);
    const result = await this.redis.tryRun('rate-limit', (client) =>
      (client as unknown as WithScript).gatewayFixedWindow(batch.length, ...batch.map((b) => b.counter.key), ...args),
    );
    if (!result) return;
    batch.forEach((b, i) => {
      const total = Number(result[2 * i]);
      const ttl = Number(result[2 * i + 1]);
      const w = this.windows.get(b.counter.key);
      const pending = w && w.windowEndsAt > now ? Math.max(0, w.pending - (flushing ? b.by : 0)) : 0;
      this.windows.set(b.counter.key, { total, pending, windowEndsAt: now + (ttl > 0 ? ttl : b.counter.windowMs) });
    });
  }
}
