import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { MonthPartition } from '../audit-core/partitions';

/* Another replica created the same partition first: 42P07 (duplicate table), or a unique violation on its catalog row. */
const DUPLICATE_TABLE = '42P07';

/**
 * DDL on audit_log_events' partitions. Partitions hold every environment's rows, so these are
 * the repository's methods without an environment: partitioning is storage, not tenancy.
 */
@Injectable()
export class PartitionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(p: MonthPartition): Promise<void> {
    try {
      await this.prisma.pool.query(
        `CREATE TABLE IF NOT EXISTS "${p.name}" PARTITION OF "audit_log_events" FOR VALUES FROM ('${p.from.toISOString()}') TO ('${p.to.toISOString()}')`,
      );
    } catch (err) {
      if ((err as { code?: string }).code !== DUPLICATE_TABLE && !isUniqueViolation(err)) throw err;
    }
  }

  async list(): Promise<string[]> {
    const { rows } = await this.prisma.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'audit_log_events' ORDER BY c.relname`,
    );
    return rows.map((r) => r.name);
  }

  /** Drops a whole partition: one catalog change instead of a delete per row. */
  async drop(p: MonthPartition): Promise<void> {
    await this.prisma.pool.query(`DROP TABLE IF EXISTS "${p.name}"`);
  }
}
