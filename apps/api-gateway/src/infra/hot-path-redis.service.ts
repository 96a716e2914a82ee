import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createRedis, HealthRegistry, type Logger, type Redis } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';

/* Connection errors repeat on every reconnect attempt; one log line per interval is enough. */
const ERROR_LOG_INTERVAL_MS = 10_000;
/* A hot-path Redis call slower than this is abandoned; its caller decides how to go on without it. */
const HOT_PATH_TIMEOUT_MS = 500;

/**
 * The gateway's Redis connection. Invariant: hot-path callers check `available` first and do
 * not queue commands while it is down: rate limits then skip Redis (fail open), idempotency
 * claims refuse the request (fail closed, see IdempotencyService).
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  private lastErrorLog = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(LOGGER) private readonly logger: Logger, health: HealthRegistry) {
    this.client = createRedis(config.REDIS_URL);
    this.client.on('error', (err: Error) => {
      if (Date.now() - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
      this.lastErrorLog = Date.now();
      logger.warn({ err: err.message }, 'redis unavailable: rate limits are skipped (fail open), requests with an idempotency key are refused (fail closed)');
    });
    health.add('redis', () => this.client.ping());
  }

  get available(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * Runs a hot-path Redis operation, or gives up on it: undefined when Redis is down, slower
   * than HOT_PATH_TIMEOUT_MS, or fails. The caller decides what that means: rate limits let the
   * request through (an outage of Redis must not become an outage of the API), idempotency
   * claims refuse it.
   */
  async tryRun<T>(operation: string, fn: (client: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.available) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(this.client),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${HOT_PATH_TIMEOUT_MS} ms`)), HOT_PATH_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, operation }, 'redis operation abandoned');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
