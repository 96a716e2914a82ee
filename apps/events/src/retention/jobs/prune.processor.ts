import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { createWorker, InjectQueue, QueueName, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { RetentionService } from '../retention.service';

/* Do not rename: it is the scheduler's key in Redis; a new name would leave the old one firing. */
export const PRUNE_SCHEDULER_ID = 'events-prune';

/**
 * Runs the prune every EVENTS_PRUNE_INTERVAL_MS through a BullMQ job scheduler, so one replica
 * prunes per interval however many run. The queue is the kit's (its Redis is a readiness check,
 * and it closes at shutdown, after this worker has stopped in onModuleDestroy).
 */
@Injectable()
export class PruneProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    @InjectQueue(QueueName.EventsRetention) readonly queue: Queue,
    private readonly retention: RetentionService,
  ) {
    this.log = logger.child({ context: PruneProcessor.name });
  }

  onApplicationBootstrap(): void {
    this.worker = createWorker(QueueName.EventsRetention, this.config.REDIS_URL, async () => ({ deleted: await this.retention.prune() }), this.log);
    // Not awaited: a Redis outage must not keep the API from serving; /ready reports it.
    this.queue
      .upsertJobScheduler(PRUNE_SCHEDULER_ID, { every: this.config.EVENTS_PRUNE_INTERVAL_MS }, { name: 'prune', data: {} })
      .catch((err: Error) => this.log.error({ err: err.message }, 'could not schedule the events prune'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
