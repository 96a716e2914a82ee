import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import type { AuditLogEventWire } from '@wos/contracts';
import { PrismaService } from '../infra/prisma.service';
import type { LogStreamRow } from './log-streams.dto';

type Record_ = {
  id: string;
  environmentId: string;
  organizationId: string;
  type: string;
  name: string | null;
  state: string;
  config: unknown;
  secretsSealed: string;
  deliveredSeq: bigint | string;
  failures: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastDeliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

/* Record_'s fields in SQL; delivered_seq as text, which toRow turns into a number as it does Prisma's bigint. */
const STREAM_COLUMNS = `id, environment_id AS "environmentId", organization_id AS "organizationId", type, name, state, config,
  secrets_sealed AS "secretsSealed", delivered_seq::text AS "deliveredSeq", failures, next_attempt_at AS "nextAttemptAt",
  last_error AS "lastError", last_delivered_at AS "lastDeliveredAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

const toRow = (r: Record_): LogStreamRow => ({
  ...r,
  type: r.type as LogStreamRow['type'],
  state: r.state as LogStreamRow['state'],
  config: r.config as Record<string, unknown>,
  deliveredSeq: Number(r.deliveredSeq),
});

interface EventRecord {
  seq: string;
  id: string;
  organization_id: string;
  action: string;
  version: number | null;
  occurred_at: Date;
  actor: AuditLogEventWire['actor'];
  targets: AuditLogEventWire['targets'];
  context: AuditLogEventWire['context'];
  metadata: AuditLogEventWire['metadata'] | null;
  created_at: Date;
}

/** The only SQL caller for log streams. Tenant methods take the environment first. */
@Injectable()
export class LogStreamsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(row: LogStreamRow): Promise<void> {
    const { deliveredSeq, config, ...rest } = row;
    await this.prisma.auditLogStream.create({ data: { ...rest, config: config as object, deliveredSeq: BigInt(deliveredSeq) } });
  }

  async find(environmentId: string, id: string): Promise<LogStreamRow | undefined> {
    const r = await this.prisma.auditLogStream.findFirst({ where: { environmentId, id } });
    return r ? toRow(r) : undefined;
  }

  /**
   * The list (and the Admin Portal's log-streams page, which reads it on every first render): a
   * prepared statement per query shape on the pool under Prisma, where findMany's query building
   * and result processing were the service's largest cost per call (docs/benchmarks.md,
   * per-request layers). Twelve shapes at most: with or without the organization, no cursor or
   * either side of one, either direction.
   */
  async list(environmentId: string, organizationId: string | undefined, page: PageRequest): Promise<LogStreamRow[]> {
    const values: unknown[] = [environmentId];
    let where = 'environment_id = $1';
    if (organizationId) where += ` AND organization_id = $${values.push(organizationId)}`;
    if (page.cursor) where += ` AND id ${page.cursor.op === 'gt' ? '>' : '<'} $${values.push(page.cursor.id)}`;
    const direction = page.direction === 'asc' ? 'ASC' : 'DESC';
    const limit = `$${values.push(page.take)}`;
    const name = `log_streams_list_${organizationId ? 'org' : 'all'}_${page.cursor?.op ?? 'first'}_${direction.toLowerCase()}`;
    const { rows } = await this.prisma.pool.query<Record_>({ name, text: `SELECT ${STREAM_COLUMNS} FROM audit_log_streams WHERE ${where} ORDER BY id ${direction} LIMIT ${limit}`, values });
    return rows.map(toRow);
  }

  async currentForOrganization(environmentId: string, organizationId: string): Promise<LogStreamRow | undefined> {
    const rows = await this.prisma.auditLogStream.findMany({ where: { environmentId, organizationId }, orderBy: { id: 'desc' }, take: 50 });
    const row = rows.find((r) => r.state === 'active') ?? rows[0];
    return row ? toRow(row) : undefined;
  }

  async update(environmentId: string, id: string, data: Partial<Pick<LogStreamRow, 'name' | 'state' | 'config' | 'secretsSealed'>>): Promise<LogStreamRow | undefined> {
    const { count } = await this.prisma.auditLogStream.updateMany({
      where: { environmentId, id },
      data: { ...data, ...(data.config ? { config: data.config as object } : {}), ...(data.state === 'active' ? { failures: 0, nextAttemptAt: null } : {}), updatedAt: new Date() },
    });
    return count ? this.find(environmentId, id) : undefined;
  }

  async delete(environmentId: string, id: string): Promise<boolean> {
    return (await this.prisma.auditLogStream.deleteMany({ where: { environmentId, id } })).count > 0;
  }

  /** The organization's chain head: a new stream starts after it. */
  async headSeq(environmentId: string, organizationId: string): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ seq: string }>('SELECT seq FROM audit_log_chain_heads WHERE environment_id = $1 AND organization_id = $2', [environmentId, organizationId]);
    return Number(rows[0]?.seq ?? 0);
  }

  /** Active streams behind their organization's head and due for an attempt, across environments (the scheduler). */
  async due(now: Date, limit: number): Promise<{ environmentId: string; id: string }[]> {
    const { rows } = await this.prisma.pool.query<{ environment_id: string; id: string }>(
      `SELECT s.environment_id, s.id FROM audit_log_streams s
         JOIN audit_log_chain_heads h ON h.environment_id = s.environment_id AND h.organization_id = s.organization_id
        WHERE s.state = 'active' AND h.seq > s.delivered_seq AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= $1)
        ORDER BY s.next_attempt_at NULLS FIRST LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => ({ environmentId: r.environment_id, id: r.id }));
  }

  /**
   * The organization's events after chain position `afterSeq`, in chain order, at most `limit`,
   * with the position of the last entry read (events removed by retention are skipped).
   */
  async eventsAfter(environmentId: string, organizationId: string, afterSeq: number, limit: number): Promise<{ events: AuditLogEventWire[]; throughSeq: number }> {
    // LEFT JOIN: an entry whose event retention removed still moves the position on.
    const { rows } = await this.prisma.pool.query<EventRecord | (Pick<EventRecord, 'seq'> & { id: null })>(
      `SELECT l.seq, e.id, e.organization_id, e.action, e.version, e.occurred_at, e.actor, e.targets, e.context, e.metadata, e.created_at
         FROM (SELECT seq, occurred_at, event_id FROM audit_log_chain WHERE environment_id = $1 AND organization_id = $2 AND seq > $3 ORDER BY seq LIMIT $4) l
         LEFT JOIN audit_log_events e ON e.occurred_at = l.occurred_at AND e.id = l.event_id
        ORDER BY l.seq`,
      [environmentId, organizationId, afterSeq, limit],
    );
    const throughSeq = rows.length ? Number(rows[rows.length - 1]!.seq) : afterSeq;
    const events = rows.filter((r): r is EventRecord => r.id !== null).map((r) => ({
      object: 'audit_log_event' as const,
      id: r.id,
      organization_id: r.organization_id,
      action: r.action,
      version: r.version,
      occurred_at: r.occurred_at.toISOString(),
      actor: r.actor,
      targets: r.targets,
      context: r.context,
      ...(r.metadata ? { metadata: r.metadata } : {}),
      created_at: r.created_at.toISOString(),
    }));
    return { events, throughSeq };
  }

  /** Records a delivery through `toSeq`, unless another worker already moved the stream past `fromSeq`. */
  async delivered(environmentId: string, id: string, fromSeq: number, toSeq: number): Promise<boolean> {
    const { count } = await this.prisma.auditLogStream.updateMany({
      where: { environmentId, id, deliveredSeq: BigInt(fromSeq) },
      data: { deliveredSeq: BigInt(toSeq), failures: 0, nextAttemptAt: null, lastError: null, lastDeliveredAt: new Date() },
    });
    return count > 0;
  }

  async failed(environmentId: string, id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.prisma.auditLogStream.updateMany({ where: { environmentId, id }, data: { failures: { increment: 1 }, lastError: error.slice(0, 500), nextAttemptAt } });
  }
}
