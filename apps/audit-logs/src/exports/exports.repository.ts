import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { ExportableEvent } from '../audit-core/export-csv';
import type { AuditLogExportRow, ExportFilters } from './exports.dto';

interface EventRecord {
  id: string;
  occurred_at: Date;
  action: string;
  version: number | null;
  actor: ExportableEvent['actor'];
  targets: unknown[];
  context: ExportableEvent['context'];
  metadata: Record<string, unknown> | null;
  chain_seq: string | null;
}

export type ExportedEvent = ExportableEvent & { chainSeq: number | null };

const toRow = (r: {
  id: string;
  environmentId: string;
  organizationId: string;
  state: string;
  rangeStart: Date;
  rangeEnd: Date;
  filters: unknown;
  fileKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}): AuditLogExportRow => ({ ...r, state: r.state as AuditLogExportRow['state'], filters: r.filters as ExportFilters });

/** The only SQL caller for exports. Every method takes the environment first. */
@Injectable()
export class ExportsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(row: AuditLogExportRow): Promise<void> {
    await this.prisma.auditLogExport.create({
      data: { id: row.id, environmentId: row.environmentId, organizationId: row.organizationId, state: row.state, rangeStart: row.rangeStart, rangeEnd: row.rangeEnd, filters: row.filters as object, createdAt: row.createdAt, updatedAt: row.updatedAt },
    });
  }

  async find(environmentId: string, id: string): Promise<AuditLogExportRow | undefined> {
    const r = await this.prisma.auditLogExport.findFirst({ where: { environmentId, id } });
    return r ? toRow(r) : undefined;
  }

  async finish(environmentId: string, id: string, outcome: { state: 'ready'; fileKey: string; rowCount: number } | { state: 'error'; error: string }): Promise<void> {
    await this.prisma.auditLogExport.updateMany({
      where: { environmentId, id, state: 'pending' },
      data: outcome.state === 'ready' ? { state: 'ready', fileKey: outcome.fileKey, rowCount: outcome.rowCount, updatedAt: new Date() } : { state: 'error', error: outcome.error, updatedAt: new Date() },
    });
  }

  /** Pending exports created before `cutoff`, across environments (to re-enqueue a lost job). */
  async pendingBefore(cutoff: Date): Promise<{ environmentId: string; id: string }[]> {
    return this.prisma.auditLogExport.findMany({ where: { state: 'pending', createdAt: { lt: cutoff } }, select: { environmentId: true, id: true }, take: 1000 });
  }

  /**
   * One page of the export's events after `cursor`, oldest first, keyed by (occurred_at, id):
   * pages of a fixed size keep memory flat whatever the export's size. The plain `occurred_at >=`
   * bound lets each page start where the index is, instead of rescanning from the range's start. Only events up to chain
   * position `upToSeq` (the head the export's proof ends at), so an event committed while the
   * export runs is in neither.
   */
  async eventsPage(environmentId: string, exp: AuditLogExportRow, upToSeq: number, cursor: { occurredAt: Date; id: string } | undefined, take: number): Promise<ExportedEvent[]> {
    const f = exp.filters;
    const { rows } = await this.prisma.pool.query<EventRecord>(
      `SELECT id, occurred_at, action, version, actor, targets, context, metadata, chain_seq FROM audit_log_events
        WHERE environment_id = $1 AND organization_id = $2 AND occurred_at >= $3 AND occurred_at <= $4
          AND ($5::text[] IS NULL OR action = ANY($5))
          AND ($6::text[] IS NULL OR actor->>'name' = ANY($6))
          AND ($7::text[] IS NULL OR actor->>'id' = ANY($7))
          AND ($8::text[] IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements(targets) t WHERE t->>'type' = ANY($8)))
          AND ($9::timestamptz IS NULL OR (occurred_at >= $9::timestamptz AND (occurred_at, id) > ($9::timestamptz, $10::text)))
          AND (chain_seq IS NULL OR chain_seq <= $12)
        ORDER BY occurred_at, id LIMIT $11`,
      [environmentId, exp.organizationId, exp.rangeStart, exp.rangeEnd, f.actions ?? null, f.actor_names ?? null, f.actor_ids ?? null, f.targets ?? null, cursor?.occurredAt ?? null, cursor?.id ?? null, take, upToSeq],
    );
    return rows.map((r) => ({ id: r.id, occurredAt: r.occurred_at, action: r.action, version: r.version, actor: r.actor, targets: r.targets, context: r.context, metadata: r.metadata, chainSeq: r.chain_seq === null ? null : Number(r.chain_seq) }));
  }
}
