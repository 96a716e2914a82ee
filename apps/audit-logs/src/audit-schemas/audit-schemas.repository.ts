import { Injectable } from '@nestjs/common';
import { pgTransaction, type PageRequest } from '@wos/platform';

/** NOTIFY channel of a new schema version: `<environment_id>|<action>`. */
export const SCHEMAS_CHANNEL = 'audit_log_schemas';
import { PrismaService } from '../infra/prisma.service';
import type { CreateSchemaBody } from '../audit-core/schema-rules';
import type { AuditLogActionRow, AuditLogSchemaRow } from './audit-schemas.dto';

interface SchemaRecord {
  action: string;
  version: number;
  targets: AuditLogSchemaRow['targets'];
  actor: AuditLogSchemaRow['actor'];
  metadata: AuditLogSchemaRow['metadata'];
  created_at: Date;
}

const toRow = (r: SchemaRecord): AuditLogSchemaRow => ({
  action: r.action,
  version: r.version,
  targets: r.targets,
  actor: r.actor,
  metadata: r.metadata,
  createdAt: r.created_at,
});

/** The only SQL caller for audit-log schemas. Every method takes the environment first. */
@Injectable()
export class AuditSchemasRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends the next version of the action's schema. A transaction-scoped advisory lock on
   * (environment, action) orders concurrent creates, so versions are 1, 2, 3… without gaps.
   */
  create(environmentId: string, action: string, body: CreateSchemaBody): Promise<AuditLogSchemaRow> {
    return pgTransaction(this.prisma.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`audit_log_schema:${environmentId}:${action}`]);
      const { rows } = await client.query<SchemaRecord>(
        `INSERT INTO audit_log_schemas (environment_id, action, version, targets, actor, metadata)
         SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3::jsonb, $4::jsonb, $5::jsonb FROM audit_log_schemas WHERE environment_id = $1 AND action = $2
         RETURNING action, version, targets, actor, metadata, created_at`,
        [environmentId, action, JSON.stringify(body.targets), body.actor ? JSON.stringify(body.actor) : null, body.metadata ? JSON.stringify(body.metadata) : null],
      );
      // Sent at commit: every replica drops its cached versions of this action.
      await client.query('SELECT pg_notify($1, $2)', [SCHEMAS_CHANNEL, `${environmentId}|${action}`]);
      return toRow(rows[0]!);
    });
  }

  /** Every version of the action, oldest first (ingest caches them: AuditSchemasService). */
  async versions(environmentId: string, action: string): Promise<AuditLogSchemaRow[]> {
    const { rows } = await this.prisma.pool.query<SchemaRecord>(
      'SELECT action, version, targets, actor, metadata, created_at FROM audit_log_schemas WHERE environment_id = $1 AND action = $2 ORDER BY version',
      [environmentId, action],
    );
    return rows.map(toRow);
  }

  /**
   * A page of the environment's actions (every action that has a schema), each with its latest
   * version. Ordered by when the action's first version was written, then by name; the cursor
   * is an action name, whose first version's time is looked up (an unknown cursor gives an
   * empty page).
   */
  async actionsPage(environmentId: string, req: PageRequest): Promise<AuditLogActionRow[]> {
    const desc = req.direction !== 'asc';
    const op = req.cursor ? (req.cursor.op === 'gt' ? '>' : '<') : null;
    const { rows } = await this.prisma.pool.query<SchemaRecord & { first_created_at: Date }>(
      `WITH actions AS (
         SELECT action, MIN(created_at) AS first_created_at, MAX(version) AS latest
           FROM audit_log_schemas WHERE environment_id = $1 GROUP BY action)
       SELECT s.action, s.version, s.targets, s.actor, s.metadata, s.created_at, a.first_created_at
         FROM actions a JOIN audit_log_schemas s ON s.environment_id = $1 AND s.action = a.action AND s.version = a.latest
        ${op ? `WHERE (a.first_created_at, a.action) ${op} (SELECT first_created_at, action FROM actions WHERE action = $3)` : ''}
        ORDER BY a.first_created_at ${desc ? 'DESC' : 'ASC'}, a.action ${desc ? 'DESC' : 'ASC'} LIMIT $2`,
      op ? [environmentId, req.take, req.cursor!.id] : [environmentId, req.take],
    );
    return rows.map((r) => ({ latest: toRow(r), createdAt: r.first_created_at }));
  }

  /** A page of versions; the cursor is a version number. */
  async page(environmentId: string, action: string, req: PageRequest): Promise<AuditLogSchemaRow[]> {
    const op = req.cursor ? (req.cursor.op === 'gt' ? '>' : '<') : null;
    const { rows } = await this.prisma.pool.query<SchemaRecord>(
      `SELECT action, version, targets, actor, metadata, created_at FROM audit_log_schemas
        WHERE environment_id = $1 AND action = $2 ${op ? `AND version ${op} $4` : ''}
        ORDER BY version ${req.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT $3`,
      op ? [environmentId, action, req.take, Number(req.cursor!.id)] : [environmentId, action, req.take],
    );
    return rows.map(toRow);
  }
}
