import { Redis } from 'ioredis';

/**
 * A Redis client. `maxRetriesPerRequest: null` is what BullMQ requires, and it also means a
 * command waits through a Redis restart instead of failing.
 */
export function createRedis(url: string, opts: { forQueues?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: opts.forQueues ? null : 2,
    enableAutoPipelining: true,
    lazyConnect: false,
  });
}
export type { Redis };
