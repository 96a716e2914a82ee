import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { appendToOutbox, pgExecutor, pgTransaction, type OutboxMessage, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { FlagState, TargetType } from '../flags-core/flag-rules';
import type { FlagRow } from './feature-flags.dto';

/** NOTIFY channel: payload `<environment_id>:<version>`, sent at commit of every flag write. */
export const FLAGS_CHANNEL = 'feature_flags';

/** One environment's flags as the runtime payload needs them, read in one snapshot with its version. */
export interface FlagSnapshot {
  version: bigint;
  flags: FlagState[];
}

/** The transaction a flag write runs in (FeatureFlagsRepository.write). */
export type FlagTx = PoolClient;

/** What a write inside `write()` produced: its result and the events that record it (none: nothing changed). */
export interface WriteOutcome<T> {
  result: T;
  events: OutboxMessage[];
}

class Unchanged<T> {
  constructor(readonly result: T) {}
}

const COLUMNS = `id, environment_id AS "environmentId", slug, name, description, tags, enabled, default_value AS "defaultValue", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The only database caller for feature flags. Every method takes the environment first. */
@Injectable()
export class FeatureFlagsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Runs a flag write in one transaction that first bumps the environment's version (its row lock
   * serialises the environment's flag writers, so versions follow commit order), then appends the
   * outbox rows and NOTIFYs the new version; all of it commits or none. A write that reports no
   * events rolls back, version included.
   */
  async write<T>(environmentId: string, fn: (tx: PoolClient) => Promise<WriteOutcome<T>>, committed?: (version: bigint) => void): Promise<T> {
    let version: bigint | undefined;
    try {
      const result = await pgTransaction(this.prisma.pool, async (tx) => {
        const { rows } = await tx.query<{ version: string }>(
          `INSERT INTO feature_flag_versions (environment_id, version) VALUES ($1, 1)
           ON CONFLICT (environment_id) DO UPDATE SET version = feature_flag_versions.version + 1 RETURNING version`,
          [environmentId],
        );
        const outcome = await fn(tx);
        if (!outcome.events.length) throw new Unchanged(outcome.result);
        await appendToOutbox(pgExecutor(tx), outcome.events);
        await tx.query(`SELECT pg_notify($1, $2)`, [FLAGS_CHANNEL, `${environmentId}:${rows[0]!.version}`]);
        version = BigInt(rows[0]!.version);
        return outcome.result;
      });
      if (version !== undefined) committed?.(version);
      return result;
    } catch (err) {
      if (err instanceof Unchanged) return err.result as T;
      throw err;
    }
  }

  async list(environmentId: string, page: PageRequest): Promise<FlagRow[]> {
    const values: unknown[] = [environmentId, page.take];
    const cursor = page.cursor ? `AND id ${page.cursor.op === 'gt' ? '>' : '<'} $3` : '';
    if (page.cursor) values.push(page.cursor.id);
    const { rows } = await this.prisma.pool.query<FlagRow>(
      `SELECT ${COLUMNS} FROM feature_flags WHERE environment_id = $1 ${cursor} ORDER BY id ${page.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT $2`,
      values,
    );
    return rows;
  }

  /** Flags that evaluate on for any of the targets: enabled, and one of them is listed or the default is on. */
  async listOnFor(environmentId: string, targetIds: string[], page: PageRequest): Promise<FlagRow[]> {
    const values: unknown[] = [environmentId, page.take, targetIds];
    const cursor = page.cursor ? `AND f.id ${page.cursor.op === 'gt' ? '>' : '<'} $4` : '';
    if (page.cursor) values.push(page.cursor.id);
    const { rows } = await this.prisma.pool.query<FlagRow>(
      `SELECT ${COLUMNS.replace(/(^|, )(\w+)/g, '$1f.$2')} FROM feature_flags f
       WHERE f.environment_id = $1 AND f.enabled
         AND (f.default_value OR EXISTS (SELECT 1 FROM feature_flag_targets t WHERE t.flag_id = f.id AND t.target_id = ANY($3::text[])))
         ${cursor}
       ORDER BY f.id ${page.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT $2`,
      values,
    );
    return rows;
  }

  async findBySlug(environmentId: string, slug: string, tx?: PoolClient, lock = false): Promise<FlagRow | null> {
    const { rows } = await (tx ?? this.prisma.pool).query<FlagRow>(
      `SELECT ${COLUMNS} FROM feature_flags WHERE environment_id = $1 AND slug = $2${lock ? ' FOR UPDATE' : ''}`,
      [environmentId, slug],
    );
    return rows[0] ?? null;
  }

  /**
   * Inside a write the organization's row is key-share locked until the commit, so a concurrent
   * delete waits, and its `organization.deleted` (which drops the organization's targets) follows
   * any target this write adds.
   */
  async organizationExists(environmentId: string, organizationId: string, tx?: PoolClient): Promise<boolean> {
    const { rowCount } = await (tx ?? this.prisma.pool).query(`SELECT 1 FROM organizations WHERE environment_id = $1 AND id = $2${tx ? ' FOR KEY SHARE' : ''}`, [environmentId, organizationId]);
    return rowCount === 1;
  }

  /** Remembers a user identity deleted (idempotent). */
  async recordDeletedUser(environmentId: string, userId: string): Promise<void> {
    await this.prisma.pool.query(`INSERT INTO feature_flag_deleted_users (environment_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [environmentId, userId]);
  }

  async userDeleted(environmentId: string, userId: string, tx: PoolClient): Promise<boolean> {
    const { rowCount } = await tx.query(`SELECT 1 FROM feature_flag_deleted_users WHERE environment_id = $1 AND user_id = $2`, [environmentId, userId]);
    return rowCount === 1;
  }

  async counts(tx: PoolClient, environmentId: string, flagId?: string): Promise<{ flags: number; targets: number; flagTargets: number }> {
    const { rows } = await tx.query<{ flags: number; targets: number; flag_targets: number }>(
      `SELECT (SELECT count(*)::int FROM feature_flags WHERE environment_id = $1) AS flags,
              (SELECT count(*)::int FROM feature_flag_targets WHERE environment_id = $1) AS targets,
              (SELECT count(*)::int FROM feature_flag_targets WHERE environment_id = $1 AND flag_id = $2) AS flag_targets`,
      [environmentId, flagId ?? ''],
    );
    const r = rows[0]!;
    return { flags: r.flags, targets: r.targets, flagTargets: r.flag_targets };
  }

  async insert(tx: PoolClient, f: FlagRow): Promise<void> {
    await tx.query(
      `INSERT INTO feature_flags (id, environment_id, slug, name, description, tags, enabled, default_value, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
      [f.id, f.environmentId, f.slug, f.name, f.description, f.tags, f.enabled, f.defaultValue, f.createdAt],
    );
  }

  async update(tx: PoolClient, environmentId: string, f: FlagRow): Promise<FlagRow> {
    const { rows } = await tx.query<FlagRow>(
      `UPDATE feature_flags SET name = $3, description = $4, tags = $5, enabled = $6, default_value = $7, updated_at = now()
       WHERE environment_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [environmentId, f.id, f.name, f.description, f.tags, f.enabled, f.defaultValue],
    );
    return rows[0]!;
  }

  async touch(tx: PoolClient, environmentId: string, flagId: string): Promise<FlagRow> {
    const { rows } = await tx.query<FlagRow>(`UPDATE feature_flags SET updated_at = now() WHERE environment_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [environmentId, flagId]);
    return rows[0]!;
  }

  async delete(tx: PoolClient, environmentId: string, flagId: string): Promise<void> {
    await tx.query(`DELETE FROM feature_flags WHERE environment_id = $1 AND id = $2`, [environmentId, flagId]);
  }

  /** True when the target was added (false: it already was a target). */
  async addTarget(tx: PoolClient, environmentId: string, flagId: string, targetId: string, type: TargetType): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO feature_flag_targets (flag_id, target_id, environment_id, target_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [flagId, targetId, environmentId, type],
    );
    return rowCount === 1;
  }

  /** Removes the target from every flag of the environment; the IDs of the flags it was on. */
  async removeTargetEverywhere(tx: PoolClient, environmentId: string, targetId: string): Promise<string[]> {
    const { rows } = await tx.query<{ flag_id: string }>(`DELETE FROM feature_flag_targets WHERE environment_id = $1 AND target_id = $2 RETURNING flag_id`, [environmentId, targetId]);
    return rows.map((r) => r.flag_id);
  }

  /** True when the target was removed (false: it was not a target). */
  async removeTarget(tx: PoolClient, environmentId: string, flagId: string, targetId: string): Promise<boolean> {
    const { rowCount } = await tx.query(`DELETE FROM feature_flag_targets WHERE environment_id = $1 AND flag_id = $2 AND target_id = $3`, [environmentId, flagId, targetId]);
    return rowCount === 1;
  }

  /**
   * The environment's version and every flag with its targets, in ONE statement, so the pair is
   * one snapshot: a payload is never labelled with a version it does not reflect.
   */
  async snapshot(environmentId: string): Promise<FlagSnapshot> {
    const { rows } = await this.prisma.pool.query<{ version: string; flags: { slug: string; enabled: boolean; default_value: boolean; users: string[]; organizations: string[] }[] }>({
      name: 'feature_flag_snapshot',
      text: SNAPSHOT,
      values: [environmentId],
    });
    const r = rows[0]!;
    return {
      version: BigInt(r.version),
      flags: r.flags.map((f) => ({ slug: f.slug, enabled: f.enabled, defaultValue: f.default_value, users: f.users, organizations: f.organizations })),
    };
  }
}

const targetsOf = (type: string) =>
  `COALESCE((SELECT json_agg(t.target_id ORDER BY t.target_id) FROM feature_flag_targets t WHERE t.flag_id = f.id AND t.target_type = '${type}'), '[]'::json)`;

const SNAPSHOT = `
  SELECT COALESCE((SELECT version FROM feature_flag_versions WHERE environment_id = $1), 0)::text AS version,
         COALESCE((SELECT json_agg(json_build_object('slug', f.slug, 'enabled', f.enabled, 'default_value', f.default_value,
                     'users', ${targetsOf('user')}, 'organizations', ${targetsOf('organization')}) ORDER BY f.slug)
                   FROM feature_flags f WHERE f.environment_id = $1), '[]'::json) AS flags`;
