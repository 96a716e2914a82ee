import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import type { AuthenticatedKey } from '../auth/api-key-auth.service';
import { RedisService } from '../infra/redis.service';
import { compileRules, matchingRules, type Limit, type RateLimitRule } from './rate-limit.rules';

/*
 * Fixed windows: for each counter, INCR, start its window on the first hit (PEXPIRE NX, so a
 * later hit never extends it), and return the count and the window's remaining milliseconds.
 * One script, so all counters of a request cost one round trip and cannot interleave.
 */
const FIXED_WINDOW_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  redis.call('PEXPIRE', key, ARGV[i], 'NX')
  out[#out + 1] = count
  out[#out + 1] = redis.call('PTTL', key)
end
return out`;

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };
type WithScript = { gatewayFixedWindow(numKeys: number, ...args: (string | number)[]): Promise<number[]> };

/**
 * Per-API-key limits: the general limit (RATE_LIMIT_DEFAULT, or the key's own
 * rate_limit_per_minute) plus every RATE_LIMIT_RULES entry the request matches, each its own
 * counter. Fails open when Redis is unavailable (see RedisService.tryRun).
 */
@Injectable()
export class RateLimitService {
  private readonly rules: RateLimitRule[];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {
    this.rules = compileRules(config.RATE_LIMIT_RULES);
    redis.client.defineCommand('gatewayFixedWindow', { lua: FIXED_WINDOW_LUA });
  }

  async check(key: AuthenticatedKey, method: string, path: string): Promise<RateLimitDecision> {
    const base = `${this.config.REDIS_KEY_PREFIX}rl:${key.apiKeyId}`;
    const general: Limit = key.rateLimitPerMinute ? { limit: key.rateLimitPerMinute, windowMs: 60_000 } : this.config.RATE_LIMIT_DEFAULT;
    const counters = [{ key: base, ...general }, ...matchingRules(this.rules, method, path).map((r) => ({ ...r, key: `${base}:${r.id}` }))];
    const result = await this.redis.tryRun('rate-limit', (client) =>
      (client as unknown as WithScript).gatewayFixedWindow(counters.length, ...counters.map((c) => c.key), ...counters.map((c) => c.windowMs)),
    );
    if (!result) return { allowed: true };
    let retryAfterMs = 0;
    counters.forEach((c, i) => {
      const count = Number(result[2 * i]);
      const ttl = Number(result[2 * i + 1]);
      if (count > c.limit) retryAfterMs = Math.max(retryAfterMs, ttl > 0 ? ttl : c.windowMs);
    });
    return retryAfterMs ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) } : { allowed: true };
  }
}
