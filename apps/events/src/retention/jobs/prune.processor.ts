import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { createWorker, InjectQueue, QueueName, scheduleEvery, type Logger } from '@wos/platform';
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
    scheduleEvery(this.queue, PRUNE_SCHEDULER_ID, this.config.EVENTS_PRUNE_INTERVAL_MS, 'prune', this.log);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
