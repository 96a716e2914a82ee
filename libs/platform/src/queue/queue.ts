import { Queue, Worker, type Processor, type JobsOptions } from 'bullmq';
import type { Logger } from 'pino';
import { createRedis } from '../redis/redis';

/**
 * Every BullMQ queue in the platform. Do not rename a value: queue names are keys in Redis,
 * and renaming one strands the jobs already scheduled under the old name.
 */
export enum QueueName {
  EventsRetention = 'events-retention',
}

/** Typed payloads per queue. */
export interface QueuePayloads {
  [QueueName.EventsRetention]: Record<string, never>;
}

export function createQueue<Q extends QueueName>(name: Q, redisUrl: string): Queue<QueuePayloads[Q]> {
  return new Queue<QueuePayloads[Q]>(name, {
    connection: createRedis(redisUrl, { forQueues: true }),
    defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 } satisfies JobsOptions,
  });
}

export function createWorker<Q extends QueueName>(
  name: Q,
  redisUrl: string,
  processor: Processor<QueuePayloads[Q]>,
  logger: Logger,
  concurrency = 1,
): Worker<QueuePayloads[Q]> {
  const worker = new Worker<QueuePayloads[Q]>(name, processor, {
    connection: createRedis(redisUrl, { forQueues: true }),
    concurrency,
  });
  worker.on('failed', (job, err) => logger.error({ queue: name, jobId: job?.id, err }, 'job failed'));
  worker.on('error', (err) => logger.warn({ queue: name, err: err.message }, 'worker error'));
  return worker;
}
