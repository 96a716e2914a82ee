import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import { BackgroundLoop, createWorker, InjectQueue, QueueName, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { LogStreamDeliveryService } from '../log-stream-delivery.service';
import { LogStreamsRepository } from '../log-streams.repository';

/* The job scheduler that ran the tick before it moved into each replica; removed at start. */
export const STREAMS_SCHEDULER_ID = 'audit-log-streams-tick';
/* Streams scheduled per look; the rest wait for the next one. */
const DUE_PER_TICK = 500;

type StreamJob = Job<{ environmentId: string; streamId: string } | Record<string, never>>;

/**
 * Postgres decides, BullMQ delivers. Every replica looks every AUDIT_LOGS_STREAM_INTERVAL_MS
 * (one indexed query, no Redis) for active streams that are behind their organization's head
 * and due (their retry time passed), and enqueues one `deliver` job for each. The job ID
 * `deliver-<stream>` keeps at most one job per stream queued or running, across replicas, and
 * is removed when it ends, so the next look can schedule the stream again. A lost job (Redis
 * flushed, a replica killed) is harmless: the stream's position is in Postgres and the next look
 * finds it behind. (A BullMQ job scheduler ran the look on one replica; its job a second, four
 * Lua scripts each, was most of an idle audit-logs service's CPU.)
 */
@Injectable()
export class LogStreamProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    @InjectQueue(QueueName.AuditLogStreams) private readonly queue: Queue,
    private readonly repo: LogStreamsRepository,
    private readonly delivery: LogStreamDeliveryService,
  ) {
    this.log = logger.child({ context: LogStreamProcessor.name });
  }

  onApplicationBootstrap(): void {
    this.worker = createWorker(QueueName.AuditLogStreams, this.config.REDIS_URL, (job: StreamJob) => this.run(job), this.log, this.config.AUDIT_LOGS_STREAM_CONCURRENCY);
    this.queue.removeJobScheduler(STREAMS_SCHEDULER_ID).catch((err: Error) => this.log.warn({ err: err.message }, 'could not remove the old tick scheduler'));
    this.looks.start(this.config.AUDIT_LOGS_STREAM_INTERVAL_MS);
  }

  private readonly looks = new BackgroundLoop(
    () => this.scheduleDue(),
    (err) => this.log.warn({ err: err.message }, 'could not look for due log streams'),
  );

  /** Enqueues a `deliver` job for each stream behind and due; returns how many. */
  async scheduleDue(): Promise<number> {
    const due = await this.repo.due(new Date(), DUE_PER_TICK);
    for (const d of due) {
      await this.queue.add('deliver', { environmentId: d.environmentId, streamId: d.id }, { jobId: `deliver-${d.id}`, removeOnComplete: true, removeOnFail: true });
    }
    return due.length;
  }

  private async run(job: StreamJob): Promise<object> {
    // A `tick` left in Redis by the old scheduler is a look like any other.
    if (job.name !== 'deliver') return { scheduled: await this.scheduleDue() };
    const { environmentId, streamId } = job.data as { environmentId: string; streamId: string };
    return { delivered: await this.delivery.deliver(environmentId, streamId) };
  }

  async onModuleDestroy(): Promise<void> {
    await this.looks.stop();
    await this.worker?.close();
  }
}
