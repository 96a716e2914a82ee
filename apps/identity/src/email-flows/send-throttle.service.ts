import { Inject, Injectable } from '@nestjs/common';
import { RateLimitedError, REDIS, type Redis } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/**
 * WorkOS's AuthKit send limits (WORKOS_API.md §3.4): 3 magic auth, password reset or
 * verification emails per 60 s per email (or user), per environment. A fixed window in Redis:
 * INCR then PEXPIRE on the first hit, so every replica of the service shares the count.
 */
@Injectable()
export class SendThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async hit(environmentId: string, flow: string, subject: string): Promise<void> {
    const key = `identity:send:${flow}:${environmentId}:${subject.toLowerCase()}`;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(key).pttl(key).exec()) as [[unknown, number], [unknown, number]];
    if (ttl < 0) await this.redis.pexpire(key, 60_000);
    if (count > this.config.EMAIL_SEND_LIMIT_PER_MINUTE) throw new RateLimitedError(Math.max(1, Math.ceil((ttl < 0 ? 60_000 : ttl) / 1000)));
  }
}
