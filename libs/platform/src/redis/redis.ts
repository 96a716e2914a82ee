import { Redis } from 'ioredis';
import { redisCommands } from '../http/metrics';

/**
 * A Redis client. `maxRetriesPerRequest: null` is what BullMQ requires, and it also means a
 * command waits through a Redis restart instead of failing.
 */
export function createRedis(url: string, opts: { forQueues?: boolean } = {}): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: opts.forQueues ? null : 2,
    enableAutoPipelining: true,
    lazyConnect: false,
  });
  // Every command reaches sendCommand, pipelined or not (a pipeline's exec sends each of its own).
  const send = client.sendCommand.bind(client);
  client.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    redisCommands.inc();
    return send(...args);
  };
  return client;
}
export type { Redis };
