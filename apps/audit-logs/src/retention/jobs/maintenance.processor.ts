import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import { createWorker, InjectQueue, QueueName, scheduleEvery, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { ChainService } from '../../chain/chain.service';
import { ExportsService } from '../../exports/exports.service';
import { RetentionService } from '../retention.service';

/* Do not rename: it is the scheduler's key in Redis; a new name would leave the old one firing. */
export const MAINTENANCE_SCHEDULER_ID = 'audit-logs-maintenance';
export const CHECKPOINT_SCHEDULER_ID = 'audit-logs-checkpoints';
/* A pending export this old has lost its job (never enqueued, or Redis lost it): enqueue it again (its job ID dedupes). */
const STALE_EXPORT_MS = 60_000;

/**
 * Runs RetentionService.maintain every AUDIT_LOGS_MAINTENANCE_INTERVAL_MS and the chain
 * checkpoints every AUDIT_LOGS_CHECKPOINT_INTERVAL_MS through BullMQ job schedulers, so one
 * replica does each per interval however many run (concurrency 1 per worker), and re-enqueues
 * exports whose job was lost.
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
    private readonly chain: ChainService,
  ) {
    this.log = logger.child({ context: MaintenanceProcessor.name });
  }

  onApplicationBootstrap(): void {
    this.worker = createWorker(QueueName.AuditLogsMaintenance, this.config.REDIS_URL, (job: Job) => this.run(job.name), this.log);
    scheduleEvery(this.queue, MAINTENANCE_SCHEDULER_ID, this.config.AUDIT_LOGS_MAINTENANCE_INTERVAL_MS, 'maintain', this.log);
    scheduleEvery(this.queue, CHECKPOINT_SCHEDULER_ID, this.config.AUDIT_LOGS_CHECKPOINT_INTERVAL_MS, 'checkpoint', this.log);
  }

  /**
   * `maintain`: retention, then truncation checkpoints for what it removed, then lost exports.
   * `checkpoint`: a signed head checkpoint of every chain that moved.
   */
  async run(name: string): Promise<object> {
    if (name === 'checkpoint') return { checkpoints: await this.chain.checkpointHeads() };
    const removed = await this.retention.maintain();
    return { ...removed, truncatedChains: await this.chain.truncateRemoved(), requeuedExports: await this.exports.requeueStale(new Date(Date.now() - STALE_EXPORT_MS)) };
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
