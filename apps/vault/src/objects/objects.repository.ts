import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { appendToOutbox, isUniqueViolation, OutboxGroupAppender, pgExecutor, pgTransaction, type Logger, type OutboxMessage, type PageRequest } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { PrismaService } from '../infra/prisma.service';
import { ObjectCache } from './object-cache';
import type { VaultActor } from '../vault-core/actor';
import type { StoredObject, StoredVersion } from './objects.dto';

/** A new version's sealed value: the data-key blob and the value's ciphertext. */
export interface NewVersion {
  id: string;
  encryptedKeys: Buffer;
  ciphertext: Buffer;
  size: number;
  etag: string;
}

export type WriteOutcome = { ok: StoredObject } | { missing: true } | { stale: true } | { duplicate: true };

interface ObjectRow {
  id: string;
  environment_id: string;
  name: string;
  key_context: Record<string, string>;
  kek_id: string;
  current_version_id: string;
  updated_by_id: string;
  updated_by_name: string;
  updated_at: Date;
  encrypted_keys: Buffer;
  ciphertext: Buffer;
}

/*
 * Columns named, never `o.*`: the lookups below are named prepared statements, and a cached plan
 * whose result type changed (a column added by a later migration, with this replica still running)
 * fails until the connection is dropped.
 */
const SELECT_OBJECT = `SELECT o.id, o.environment_id, o.name, o.key_context, o.kek_id, o.current_version_id, o.updated_by_id, o.updated_by_name, o.updated_at,
  v.encrypted_keys, v.ciphertext FROM vault_objects o JOIN vault_object_versions v ON v.id = o.current_version_id`;
/*
 * By the primary key: the environment is compared with IS NOT DISTINCT FROM (the same as = for
 * these NOT NULL columns), which no index serves, so the plan cannot pick an index led by
 * environment_id and read every object of the environment. The statement is prepared once per
 * connection, and a plan made on a table without statistics (never analyzed) did exactly that
 * (test/hot-statement-plans.spec.ts).
 */
export const OBJECT_BY_ID = `${SELECT_OBJECT} WHERE o.id = $2 AND o.environment_id IS NOT DISTINCT FROM $1`;
const OBJECT_BY_NAME = `${SELECT_OBJECT} WHERE o.environment_id = $1 AND o.name = $2`;

function toStored(r: ObjectRow): StoredObject {
  return {
    id: r.id,
    environmentId: r.environment_id,
    name: r.name,
    keyContext: r.key_context,
    kekId: r.kek_id,
    currentVersionId: r.current_version_id,
    updatedById: r.updated_by_id,
    updatedByName: r.updated_by_name,
    updatedAt: r.updated_at,
    encryptedKeys: r.encrypted_keys,
    ciphertext: r.ciphertext,
  };
}

/**
 * The only SQL caller for KV objects. Every method takes the environment first. The KV read by ID
 * is served from ObjectCache (kept coherent by the tables' triggers); every write drops the
 * object from it once committed.
 */
@Injectable()
export class ObjectsRepository implements OnModuleInit, OnModuleDestroy {
  private readonly cache: ObjectCache;

  constructor(
    private readonly prisma: PrismaService,
    private readonly events: OutboxGroupAppender,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.cache = new ObjectCache(config.DATABASE_URL, (environmentId, id) => this.findById(environmentId, id), logger);
  }

  onModuleInit(): void {
    this.cache.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.stop();
  }

  /** The object, its first version and its event commit together; a taken name is `duplicate`. */
  async create(
    environmentId: string,
    o: { id: string; name: string; keyContext: Record<string, string>; kekId: string; actor: VaultActor },
    version: NewVersion,
    event: OutboxMessage,
  ): Promise<WriteOutcome> {
    try {
      return await this.changing(environmentId, o.id, pgTransaction(this.prisma.pool, async (client) => {
        await client.query(
          `INSERT INTO vault_objects (id, environment_id, name, key_context, kek_id, current_version_id, updated_by_id, updated_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [o.id, environmentId, o.name, JSON.stringify(o.keyContext), o.kekId, version.id, o.actor.id, o.actor.name],
        );
        await this.insertVersion(client, environmentId, o.id, version);
        await appendToOutbox(pgExecutor(client), [event]);
        const { rows } = await client.query<ObjectRow>(`${SELECT_OBJECT} WHERE o.environment_id = $1 AND o.id = $2`, [environmentId, o.id]);
        return { ok: toStored(rows[0]!) };
      }));
    } catch (err) {
      if (isUniqueViolation(err, 'name')) return { duplicate: true };
      throw err;
    }
  }

  /**
   * The hot read (GET /vault/v1/kv/:id) from the cache: at most one notification delivery stale
   * after another replica's write. Writers compare versions with findById instead.
   */
  readById(environmentId: string, id: string): Promise<StoredObject | null> {
    return this.cache.get(environmentId, id);
  }

  /** The object as committed: a named prepared statement, parsed and planned once per connection. */
  async findById(environmentId: string, id: string): Promise<StoredObject | null> {
    const { rows } = await this.prisma.pool.query<ObjectRow>({ name: 'vault_object_by_id', text: OBJECT_BY_ID, values: [environmentId, id] });
    return rows[0] ? toStored(rows[0]) : null;
  }

  async findByName(environmentId: string, name: string): Promise<StoredObject | null> {
    const { rows } = await this.prisma.pool.query<ObjectRow>({ name: 'vault_object_by_name', text: OBJECT_BY_NAME, values: [environmentId, name] });
    return rows[0] ? toStored(rows[0]) : null;
  }

  /**
   * Writes a new current version. The object's row lock serialises writers, and `versionCheck`
   * is compared under that lock: of concurrent writers holding the same version ID exactly one
   * succeeds, the others see `stale`.
   */
  async update(
    environmentId: string,
    id: string,
    versionCheck: string | null,
    version: NewVersion,
    actor: VaultActor,
    event: (o: StoredObject) => OutboxMessage,
  ): Promise<WriteOutcome> {
    return this.changing(environmentId, id, pgTransaction(this.prisma.pool, async (client) => {
      const locked = await client.query<{ current_version_id: string }>(
        'SELECT current_version_id FROM vault_objects WHERE environment_id = $1 AND id = $2 FOR UPDATE',
        [environmentId, id],
      );
      if (!locked.rows[0]) return { missing: true };
      if (versionCheck !== null && locked.rows[0].current_version_id !== versionCheck) return { stale: true };
      await this.insertVersion(client, environmentId, id, version);
      await client.query(
        `UPDATE vault_objects SET current_version_id = $3, updated_by_id = $4, updated_by_name = $5, updated_at = now()
         WHERE environment_id = $1 AND id = $2`,
        [environmentId, id, version.id, actor.id, actor.name],
      );
      const { rows } = await client.query<ObjectRow>(`${SELECT_OBJECT} WHERE o.environment_id = $1 AND o.id = $2`, [environmentId, id]);
      const stored = toStored(rows[0]!);
      await appendToOutbox(pgExecutor(client), [event(stored)]);
      return { ok: stored };
    }));
  }

  /** Deletes the object and every version (their ciphertexts go with them) with its event. */
  async delete(environmentId: string, id: string, versionCheck: string | null, event: (o: StoredObject) => OutboxMessage): Promise<WriteOutcome> {
    return this.changing(environmentId, id, pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query<ObjectRow>(`${SELECT_OBJECT} WHERE o.environment_id = $1 AND o.id = $2 FOR UPDATE OF o`, [environmentId, id]);
      if (!rows[0]) return { missing: true };
      const stored = toStored(rows[0]);
      if (versionCheck !== null && stored.currentVersionId !== versionCheck) return { stale: true };
      await client.query('DELETE FROM vault_objects WHERE environment_id = $1 AND id = $2', [environmentId, id]);
      await appendToOutbox(pgExecutor(client), [event(stored)]);
      return { ok: stored };
    }));
  }

  /** Keyset page of (id, name, updated_at); IDs are UUIDv7, so ID order is creation order. */
  async list(
    environmentId: string,
    page: PageRequest,
    filter: { search?: string; updatedAfter?: Date },
  ): Promise<{ id: string; name: string; updatedAt: Date }[]> {
    const where = ['environment_id = $1'];
    const values: unknown[] = [environmentId];
    if (page.cursor) {
      values.push(page.cursor.id);
      where.push(`id ${page.cursor.op === 'gt' ? '>' : '<'} $${values.length}`);
    }
    if (filter.search) {
      values.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`name ILIKE $${values.length}`);
    }
    if (filter.updatedAfter) {
      values.push(filter.updatedAfter);
      where.push(`updated_at > $${values.length}`);
    }
    values.push(page.take);
    const { rows } = await this.prisma.pool.query<{ id: string; name: string; updated_at: Date }>(
      `SELECT id, name, updated_at FROM vault_objects WHERE ${where.join(' AND ')} ORDER BY id ${page.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
      values,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, updatedAt: r.updated_at }));
  }

  /** Every version of an object of this environment, newest first; null when there is no such object. */
  async listVersions(environmentId: string, id: string): Promise<{ currentVersionId: string; versions: StoredVersion[] } | null> {
    const obj = await this.prisma.pool.query<{ current_version_id: string }>(
      'SELECT current_version_id FROM vault_objects WHERE environment_id = $1 AND id = $2',
      [environmentId, id],
    );
    if (!obj.rows[0]) return null;
    const { rows } = await this.prisma.pool.query<{ id: string; created_at: Date; etag: string; size: number }>(
      'SELECT id, created_at, etag, size FROM vault_object_versions WHERE environment_id = $1 AND object_id = $2 ORDER BY id DESC',
      [environmentId, id],
    );
    return { currentVersionId: obj.rows[0].current_version_id, versions: rows.map((r) => ({ id: r.id, createdAt: r.created_at, etag: r.etag, size: r.size })) };
  }

  /**
   * Events of reads (no state change to commit with): appended on their own, sharing a statement
   * with concurrent requests' (OutboxGroupAppender); resolves once they committed.
   */
  recordEvents(messages: OutboxMessage[]): Promise<void> {
    return this.events.append(messages);
  }

  /* A write of one object: once its transaction ended (committed or not), this process's cache drops the object. */
  private async changing<T>(environmentId: string, id: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.cache.changed(environmentId, id);
    }
  }

  private async insertVersion(client: { query(text: string, values: unknown[]): Promise<unknown> }, environmentId: string, objectId: string, v: NewVersion) {
    await client.query(
      'INSERT INTO vault_object_versions (id, object_id, environment_id, encrypted_keys, ciphertext, size, etag) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [v.id, objectId, environmentId, v.encryptedKeys, v.ciphertext, v.size, v.etag],
    );
  }
}
