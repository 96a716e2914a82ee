import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createRedis, HealthRegistry, type Redis } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** One Redis connection for throttling counters; closed after the HTTP server stops. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  constructor(@Inject(APP_CONFIG) config: AppConfig, health: HealthRegistry) {
    this.client = createRedis(config.REDIS_URL);
    health.add('redis', () => this.client.ping());
  }
  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}
