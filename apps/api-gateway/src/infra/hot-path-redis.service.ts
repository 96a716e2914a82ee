import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, REDIS, type Logger, type Redis } from '@wos/platform';

/* Connection errors repeat on every reconnect attempt; one log line per interval is enough. */
const ERROR_LOG_INTERVAL_MS = 10_000;
/* A hot-path Redis call slower than this is abandoned; its caller decides how to go on without it. */
const HOT_PATH_TIMEOUT_MS = 500;

/**
 * The gateway's policy for Redis on the request path, over the kit's client (REDIS, which also
 * owns its readiness check and its shutdown). Invariant: hot-path callers check `available`
 * first and do not queue commands while it is down: rate limits then skip Redis (fail open),
 * idempotency claims refuse the request (fail closed, see IdempotencyService).
 */
@Injectable()
export class HotPathRedisService {
  private lastErrorLog = 0;

  constructor(@Inject(REDIS) readonly client: Redis, @Inject(LOGGER) private readonly logger: Logger) {
    this.client.on('error', (err: Error) => {
      if (Date.now() - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
      this.lastErrorLog = Date.now();
      logger.warn({ err: err.message }, 'redis unavailable: rate limits are skipped (fail open), requests with an idempotency key are refused (fail closed)');
    });
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
}
