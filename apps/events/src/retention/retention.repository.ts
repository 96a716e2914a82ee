import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import { RATE_LIMIT_USAGE_INBOX } from '../usage/usage.repository';

@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Deletes up to `batchSize` events created before `cutoff`, across all environments: the
   * retention period is the platform's, not an environment's, so this is the one query without
   * an environment filter. Small batches keep each statement's locks and WAL short.
   */
  deleteCreatedBefore(cutoff: Date, batchSize: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "events" WHERE "seq" IN (
        SELECT "seq" FROM "events" WHERE "created_at" < ${cutoff} LIMIT ${batchSize}
      )`;
  }

  /**
   * Deletes up to `batchSize` inbox records of the rate-limit usage projection processed before
   * `cutoff`: a redelivery comes within minutes of the first delivery (an uncommitted offset),
   * never after the events' own retention, so the records need not outlive it.
   */
  deleteRateLimitInboxBefore(cutoff: Date, batchSize: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "inbox" WHERE "consumer" = ${RATE_LIMIT_USAGE_INBOX} AND "event_id" IN (
        SELECT "event_id" FROM "inbox" WHERE "consumer" = ${RATE_LIMIT_USAGE_INBOX} AND "processed_at" < ${cutoff} LIMIT ${batchSize}
      )`;
  }
}
