import { Inject, Injectable } from '@nestjs/common';
import { RateLimitedError, sha256Hex, REDIS, type Redis } from '@wos/platform';

const WINDOW_SECONDS = 60;

/*
 * Fixed windows, in order: INCR the counter, start its window on the first hit (EXPIRE NX, so a
 * later hit never extends it), and stop at the first counter over its limit, answering its index
 * (1-based) and the window's seconds left; {0, 0} when every counter is within. A counter after a
 * refused one is not spent. One script: one command and one round trip for all of a request's counters.
 */
const HIT_LUA = `
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1], 'NX')
  if count > tonumber(ARGV[i + 1]) then return {i, redis.call('TTL', key)} end
end
return {0, 0}`;

export type ThrottleScope = 'email' | 'ip' | `form:${string}`;
/** One counter of a request: its scope, the value counted (an email, an IP, a challenge) and the limit per window. */
export interface ThrottleHit {
  scope: ThrottleScope;
  value: string;
  limit: number;
}

type WithScript = Redis & { authnThrottleHit(numKeys: number, ...args: (string | number)[]): Promise<[number, number]> };

/**
 * Fixed-window counters in Redis, shared by every instance: per email (or challenge) and per IP
 * on POST /user_management/authenticate (WORKOS_API.md §3.4). Over the limit is a 429 with
 * Retry-After = seconds left in the window. Keys hold a hash, never the email itself.
 */
@Injectable()
export class AuthenticateThrottle {
  private readonly redis: WithScript;

  constructor(@Inject(REDIS) redis: Redis) {
    this.redis = redis as WithScript;
    // ioredis sends it as EVALSHA (EVAL once when Redis does not know the script yet).
    if (!this.redis.authnThrottleHit) this.redis.defineCommand('authnThrottleHit', { lua: HIT_LUA });
  }

  /** `form:<name>` scopes count the hosted pages' form posts per IP. */
  hit(environmentId: string, scope: ThrottleScope, value: string, limit: number): Promise<void> {
    return this.hitAll(environmentId, [{ scope, value, limit }]);
  }

  /** Spends from each counter in order; the first one over its limit refuses (429) and the ones after it are not spent. */
  async hitAll(environmentId: string, hits: readonly ThrottleHit[]): Promise<void> {
    if (!hits.length) return;
    const keys = hits.map((h) => `identity:authn:${h.scope}:${environmentId}:${sha256Hex(h.value.toLowerCase())}`);
    const [refused, ttl] = await this.redis.authnThrottleHit(keys.length, ...keys, WINDOW_SECONDS, ...hits.map((h) => h.limit));
    if (refused > 0) throw new RateLimitedError(Math.max(1, ttl));
  }
}
