import { Queue, Worker, type Processor, type JobsOptions, type ConnectionOptions, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';

/**
 * Every BullMQ queue in the platform. Do not rename a value: queue names are keys in Redis,
 * and renaming one strands the jobs already scheduled under the old name.
 */
export enum QueueName {
  EventsRetention = 'events-retention',
  /** One job per (event, endpoint) attempt schedule; do not rename (jobs in Redis keep this name). */
  WebhookDeliveries = 'webhook-deliveries',
  /** Audit Logs' partition upkeep and retention; do not rename (its job scheduler lives under this name). */
  AuditLogsMaintenance = 'audit-logs-maintenance',
  /** One job per audit-log export (job ID = export ID); do not rename (pending jobs keep this name). */
  AuditLogsExports = 'audit-logs-exports',
  /** Log-stream scheduling ('tick') and deliveries (job ID `deliver-<stream>`); do not rename. */
  AuditLogStreams = 'audit-log-streams',
  /** SSO's SAML certificate expiry scan (its job scheduler lives under this name); do not rename. */
  SsoCertificateScan = 'sso-certificate-scan',
}

/** Typed payloads per queue. */
export interface QueuePayloads {
  [QueueName.EventsRetention]: Record<string, never>;
  [QueueName.WebhookDeliveries]: { eventId: string; endpointId: string; generation: number };
  [QueueName.AuditLogsMaintenance]: Record<string, never>;
  [QueueName.AuditLogsExports]: { environmentId: string; exportId: string };
  [QueueName.AuditLogStreams]: { environmentId: string; streamId: string } | Record<string, never>;
  [QueueName.SsoCertificateScan]: Record<string, never>;
}

/**
 * Connection options (not a client): BullMQ then owns its connections and closes them in
 * `close()`, so a process with queues can exit cleanly.
 */
export function queueConnection(redisUrl: string): ConnectionOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: Number(u.pathname.replace('/', '') || 0),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

export function createQueue<Q extends QueueName>(name: Q, redisUrl: string): Queue<QueuePayloads[Q]> {
  return new Queue<QueuePayloads[Q]>(name, {
    connection: queueConnection(redisUrl),
    defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 } satisfies JobsOptions,
  });
}

/**
 * Keeps the job scheduler `schedulerId` adding job `name` to `queue` every `everyMs`, so one
 * replica runs it per interval however many run. Not awaited: a Redis outage must not keep a
 * service from serving (its /ready reports Redis); the failure is logged. A scheduler ID is a
 * key in Redis: renaming one leaves the old scheduler firing.
 */
export function scheduleEvery(queue: Queue, schedulerId: string, everyMs: number, name: string, logger: Logger, opts?: JobsOptions): void {
  queue
    .upsertJobScheduler(schedulerId, { every: everyMs }, { name, data: {}, ...(opts ? { opts } : {}) })
    .catch((err: Error) => logger.error({ err: err.message, scheduler: schedulerId }, 'could not schedule a recurring job'));
}

export function createWorker<Q extends QueueName>(
  name: Q,
  redisUrl: string,
  processor: Processor<QueuePayloads[Q]>,
  logger: Logger,
  concurrency = 1,
  options: Omit<WorkerOptions, 'connection' | 'concurrency'> = {},
): Worker<QueuePayloads[Q]> {
  const worker = new Worker<QueuePayloads[Q]>(name, processor, {
    ...options,
    connection: queueConnection(redisUrl),
    concurrency,
  });
  worker.on('failed', (job, err) => logger.error({ queue: name, jobId: job?.id, err }, 'job failed'));
  worker.on('error', (err) => logger.warn({ queue: name, err: err.message }, 'worker error'));
  return worker;
}
