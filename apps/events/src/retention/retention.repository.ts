import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';

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
}
