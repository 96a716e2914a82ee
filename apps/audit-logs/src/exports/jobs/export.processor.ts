import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { createWorker, QueueName, type Logger, type QueuePayloads } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { ExportsService } from '../exports.service';

type ExportJob = Job<QueuePayloads[QueueName.AuditLogsExports]>;

/**
 * Runs exports, one job per export (job ID = export ID, so a re-enqueued export runs once).
 * Progress is the number of events written. An export whose last attempt fails becomes `error`.
 */
@Injectable()
export class ExportProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly exports: ExportsService,
  ) {
    this.log = logger.child({ context: ExportProcessor.name });
  }

  onApplicationBootstrap(): void {
    this.worker = createWorker(QueueName.AuditLogsExports, this.config.REDIS_URL, (job: ExportJob) => this.process(job), this.log, 2);
  }

  private async process(job: ExportJob): Promise<{ rows: number }> {
    const { environmentId, exportId } = job.data;
    try {
      const rows = await this.exports.run(environmentId, exportId, (n) => job.updateProgress(n));
      return { rows };
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.exports.fail(environmentId, exportId, (err as Error).message);
      throw err;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
