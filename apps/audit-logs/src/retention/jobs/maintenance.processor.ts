import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { createWorker, InjectQueue, QueueName, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { ExportsService } from '../../exports/exports.service';
import { RetentionService } from '../retention.service';

/* Do not rename: it is the scheduler's key in Redis; a new name would leave the old one firing. */
export const MAINTENANCE_SCHEDULER_ID = 'audit-logs-maintenance';
/* A pending export this old has lost its job (never enqueued, or Redis lost it): enqueue it again (its job ID dedupes). */
const STALE_EXPORT_MS = 60_000;

/**
 * Runs RetentionService.maintain every AUDIT_LOGS_MAINTENANCE_INTERVAL_MS through a BullMQ job
 * scheduler, so one replica does it per interval however many run (concurrency 1 per worker),
 * and re-enqueues exports whose job was lost.
 */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    @InjectQueue(QueueName.AuditLogsMaintenance) readonly queue: Queue,
    private readonly retention: RetentionService,
    private readonly exports: ExportsService,
  ) {
    this.log = logger.child({ context: MaintenanceProcessor.name });
  }

  onApplicationBootstrap(): void {
    this.worker = createWorker(
      QueueName.AuditLogsMaintenance,
      this.config.REDIS_URL,
      async () => ({ ...(await this.retention.maintain()), requeuedExports: await this.exports.requeueStale(new Date(Date.now() - STALE_EXPORT_MS)) }),
      this.log,
    );
    // Not awaited: a Redis outage must not keep the API from serving; /ready reports it.
    this.queue
      .upsertJobScheduler(MAINTENANCE_SCHEDULER_ID, { every: this.config.AUDIT_LOGS_MAINTENANCE_INTERVAL_MS }, { name: 'maintain', data: {} })
      .catch((err: Error) => this.log.error({ err: err.message }, 'could not schedule audit-log maintenance'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
