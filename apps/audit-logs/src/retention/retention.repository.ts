import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';

/** The only SQL caller for retention settings and expired rows. */
@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(environmentId: string, organizationId: string): Promise<number | undefined> {
    const row = await this.prisma.auditLogRetention.findUnique({ where: { environmentId_organizationId: { environmentId, organizationId } } });
    return row?.retentionDays;
  }

  async upsert(environmentId: string, organizationId: string, retentionDays: number): Promise<void> {
    await this.prisma.auditLogRetention.upsert({
      where: { environmentId_organizationId: { environmentId, organizationId } },
      create: { environmentId, organizationId, retentionDays },
      update: { retentionDays, updatedAt: new Date() },
    });
  }

  /** The retention periods organizations chose, across environments (storage upkeep, not tenancy). */
  async periodsInUse(): Promise<number[]> {
    const rows = await this.prisma.auditLogRetention.findMany({ distinct: ['retentionDays'], select: { retentionDays: true } });
    return rows.map((r) => r.retentionDays);
  }

  /**
   * Deletes up to `batchSize` events past their organization's retention (the default where it
   * chose none). `floor` bounds the scan to partitions old enough to hold any expired row.
   * Small batches keep each statement's locks and WAL short.
   */
  async pruneBatch(now: Date, floor: Date, defaultDays: number, batchSize: number): Promise<number> {
    const { rowCount } = await this.prisma.pool.query(
      `DELETE FROM audit_log_events e USING (
         SELECT x.occurred_at, x.id FROM audit_log_events x
           LEFT JOIN audit_log_retention r ON r.environment_id = x.environment_id AND r.organization_id = x.organization_id
          WHERE x.occurred_at < $2
            AND x.occurred_at < $1::timestamptz - make_interval(days => COALESCE(r.retention_days, $3::int))
          LIMIT $4) d
        WHERE e.occurred_at = d.occurred_at AND e.id = d.id`,
      [now, floor, defaultDays, batchSize],
    );
    return rowCount ?? 0;
  }

  /** Idempotency records past WorkOS's 24 hours. */
  async deleteIdempotencyKeysBefore(cutoff: Date): Promise<number> {
    const { count } = await this.prisma.auditLogIdempotencyKey.deleteMany({ where: { createdAt: { lt: cutoff } } });
    return count;
  }
}
