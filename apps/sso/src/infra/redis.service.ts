import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createRedis, HealthRegistry, type Redis } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** The Redis client for short-lived sign-in state: pending requests, codes, tokens, replay marks. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig, health: HealthRegistry) {
    this.client = createRedis(config.REDIS_URL);
    health.add('redis', async () => {
      await this.client.ping();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}
