import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import { createWorker, InjectQueue, QueueName, scheduleEvery, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { LogStreamDeliveryService } from '../log-stream-delivery.service';
import { LogStreamsRepository } from '../log-streams.repository';

/* Do not rename: the scheduler's key in Redis. */
export const STREAMS_SCHEDULER_ID = 'audit-log-streams-tick';
/* Streams scheduled per tick; the rest wait for the next one. */
const DUE_PER_TICK = 500;

type StreamJob = Job<{ environmentId: string; streamId: string } | Record<string, never>>;

/**
 * Postgres decides, BullMQ schedules. A job scheduler runs `tick` every
 * AUDIT_LOGS_STREAM_INTERVAL_MS on one replica: it enqueues one `deliver` job per active stream
 * that is behind its organization's head and due (its retry time passed). The job ID
 * `deliver-<stream>` keeps at most one job per stream queued or running, across replicas, and
 * is removed when it ends, so the next tick can schedule the stream again. A lost job (Redis
 * flushed, a replica killed) is harmless: the stream's position is in Postgres and the next
 * tick finds it behind.
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
    scheduleEvery(this.queue, STREAMS_SCHEDULER_ID, this.config.AUDIT_LOGS_STREAM_INTERVAL_MS, 'tick', this.log, { removeOnComplete: true, removeOnFail: true });
  }

  private async run(job: StreamJob): Promise<object> {
    if (job.name !== 'deliver') {
      const due = await this.repo.due(new Date(), DUE_PER_TICK);
      for (const d of due) {
        await this.queue.add('deliver', { environmentId: d.environmentId, streamId: d.id }, { jobId: `deliver-${d.id}`, removeOnComplete: true, removeOnFail: true });
      }
      return { scheduled: due.length };
    }
    const { environmentId, streamId } = job.data as { environmentId: string; streamId: string };
    return { delivered: await this.delivery.deliver(environmentId, streamId) };
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
