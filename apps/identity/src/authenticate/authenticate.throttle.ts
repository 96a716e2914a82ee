import { Inject, Injectable } from '@nestjs/common';
import { RateLimitedError, sha256Hex, REDIS, type Redis } from '@wos/platform';

const WINDOW_SECONDS = 60;

/**
 * Fixed-window counters in Redis, shared by every instance: per email (or challenge) and per IP
 * on POST /user_management/authenticate (WORKOS_API.md §3.4). Over the limit is a 429 with
 * Retry-After = seconds left in the window. Keys hold a hash, never the email itself.
 */
@Injectable()
export class AuthenticateThrottle {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** `form:<name>` scopes count the hosted pages' form posts per IP. */
  async hit(environmentId: string, scope: 'email' | 'ip' | `form:${string}`, value: string, limit: number): Promise<void> {
    const key = `identity:authn:${scope}:${environmentId}:${sha256Hex(value.toLowerCase())}`;
    const res = (await this.redis.multi().incr(key).expire(key, WINDOW_SECONDS, 'NX').ttl(key).exec()) as [Error | null, number][];
    const count = res[0]![1];
    const ttl = res[2]![1];
    if (count > limit) throw new RateLimitedError(Math.max(1, ttl));
  }
}
