import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { RetentionRepository } from './retention.repository';

const DAY_MS = 24 * 3600_000;
export const PRUNE_BATCH_SIZE = 5000;

@Injectable()
export class RetentionService {
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly repository: RetentionRepository,
  ) {
    this.log = logger.child({ context: RetentionService.name });
  }

  /**
   * Deletes every event older than EVENTS_RETENTION_DAYS, batch by batch (and the rate-limit usage
   * projection's inbox records as old); returns how many events.
   */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.EVENTS_RETENTION_DAYS * DAY_MS);
    let total = 0;
    for (;;) {
      const n = await this.repository.deleteCreatedBefore(cutoff, PRUNE_BATCH_SIZE);
      total += n;
      if (n < PRUNE_BATCH_SIZE) break;
    }
    for (;;) {
      const n = await this.repository.deleteRateLimitInboxBefore(cutoff, PRUNE_BATCH_SIZE);
      if (n < PRUNE_BATCH_SIZE) break;
    }
    this.log.info({ deleted: total, cutoff: cutoff.toISOString() }, 'pruned events past retention');
    return total;
  }
}
