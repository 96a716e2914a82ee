import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { createWorker, InjectQueue, QueueName, scheduleEvery, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../../config';
import { CertificatesService } from '../certificates.service';

/* Do not rename: it is the scheduler's key in Redis; a new name would leave the old one firing. */
export const CERTIFICATE_SCAN_SCHEDULER_ID = 'sso-certificate-scan';

/**
 * Runs the certificate expiry scan every SSO_CERTIFICATE_SCAN_INTERVAL_MS through a BullMQ job
 * scheduler, so one replica scans per interval however many run (and the notices' conditional
 * writes keep a second scan from repeating a notice).
 */
@Injectable()
export class CertificateScanProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    @InjectQueue(QueueName.SsoCertificateScan) readonly queue: Queue,
    private readonly certificates: CertificatesService,
  ) {
    this.log = logger.child({ context: CertificateScanProcessor.name });
  }

  onApplicationBootstrap(): void {
    this.worker = createWorker(QueueName.SsoCertificateScan, this.config.REDIS_URL, async () => ({ notices: await this.certificates.scan() }), this.log);
    scheduleEvery(this.queue, CERTIFICATE_SCAN_SCHEDULER_ID, this.config.SSO_CERTIFICATE_SCAN_INTERVAL_MS, 'scan', this.log, { removeOnComplete: true, removeOnFail: 100 });
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
