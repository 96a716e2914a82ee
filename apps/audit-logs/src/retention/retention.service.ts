import { Inject, Injectable } from '@nestjs/common';
import { hasIdShape } from '@wos/contracts';
import { NotFoundError, ValidationError, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { retentionPeriodDays } from '../audit-core/retention-periods';
import { PartitionsService } from '../partitions/partitions.service';
import type { RetentionWire, UpdateRetentionBody } from './retention.dto';
import { RetentionRepository } from './retention.repository';

const DAY_MS = 86_400_000;

export interface MaintenanceResult {
  droppedPartitions: string[];
  prunedEvents: number;
  expiredIdempotencyKeys: number;
}

/**
 * Organization retention and its enforcement. Invariants: an event is kept at least its
 * organization's retention (the default where none was chosen); a partition is dropped only
 * when its whole month is older than the longest retention in use, so dropping never removes
 * an event that pruning would keep.
 */
@Injectable()
export class RetentionService {
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly repo: RetentionRepository,
    private readonly partitions: PartitionsService,
  ) {
    this.log = logger.child({ context: RetentionService.name });
  }

  async get(environmentId: string, organizationId: string): Promise<RetentionWire> {
    assertOrganizationId(organizationId);
    return { retention_period_in_days: (await this.repo.find(environmentId, organizationId)) ?? this.config.AUDIT_LOGS_DEFAULT_RETENTION_DAYS };
  }

  async update(environmentId: string, organizationId: string, body: UpdateRetentionBody): Promise<RetentionWire> {
    assertOrganizationId(organizationId);
    const days = retentionPeriodDays(body.retention_period);
    const allowed = this.config.AUDIT_LOGS_RETENTION_DAYS_ALLOWED;
    if (days === undefined || !allowed.includes(days)) {
      throw new ValidationError([
        { field: 'retention_period', code: 'retention_period_not_allowed', message: `retention_period must name one of ${allowed.join(', ')} days (30 per month, 365 per year).` },
      ]);
    }
    await this.repo.upsert(environmentId, organizationId, days);
    return { retention_period_in_days: days };
  }

  /** Partitions ahead, whole expired partitions dropped, the rest pruned in bounded batches. */
  async maintain(now = new Date()): Promise<MaintenanceResult> {
    await this.partitions.ensureAhead(now, this.config.AUDIT_LOGS_PARTITIONS_AHEAD);
    const inUse = [this.config.AUDIT_LOGS_DEFAULT_RETENTION_DAYS, ...(await this.repo.periodsInUse())];
    const longest = Math.max(...inUse);
    const shortest = Math.min(...inUse);
    const droppedPartitions = await this.partitions.dropEndedBefore(new Date(now.getTime() - longest * DAY_MS));
    const floor = new Date(now.getTime() - shortest * DAY_MS);
    const batch = this.config.AUDIT_LOGS_PRUNE_BATCH_SIZE;
    let prunedEvents = 0;
    for (;;) {
      const n = await this.repo.pruneBatch(now, floor, this.config.AUDIT_LOGS_DEFAULT_RETENTION_DAYS, batch);
      prunedEvents += n;
      if (n < batch) break;
    }
    const expiredIdempotencyKeys = await this.repo.deleteIdempotencyKeysBefore(new Date(now.getTime() - DAY_MS));
    if (droppedPartitions.length || prunedEvents) this.log.info({ droppedPartitions, prunedEvents }, 'removed audit-log events past retention');
    return { droppedPartitions, prunedEvents, expiredIdempotencyKeys };
  }
}

function assertOrganizationId(id: string): void {
  if (!hasIdShape(id, 'org')) throw new NotFoundError('an organization', id);
}
