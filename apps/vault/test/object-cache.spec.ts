import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool, type QueryConfig } from 'pg';
import pino from 'pino';
import { OutboxGroupAppender, pgExecutor } from '@wos/platform';
import { createTestDatabase, waitFor, type TestDatabase } from '@wos/platform/testing';
import type { AppConfig } from '../src/config';
import type { PrismaService } from '../src/infra/prisma.service';
import { dataWrittenEvent, namedEvent } from '../src/objects/objects.events';
import { ObjectsRepository } from '../src/objects/objects.repository';
import { API_ACTOR } from '../src/vault-core/actor';

/*
 * Real Postgres: the KV read by ID is answered from this process's memory, and every change to the
 * object or to its versions, by this process or by any other writer (another replica, the rekey
 * job, the shredding purge, SQL), reaches it through the tables' triggers.
 */
describe('vault: the KV read cache stays coherent with every writer', () => {
  const env = 'environment_cache';
  let db: TestDatabase;
  let pool: Pool;
  let sql: Pool;
  let repo: ObjectsRepository;
  /* Lookups by ID the repository sent to the database. */
  let lookups = 0;

  const newId = () => `0190${randomUUID().slice(4)}`;
  const insertVersion = (objectId: string, versionId: string, keys = randomBytes(60)) =>
    sql.query('INSERT INTO vault_object_versions (id, object_id, environment_id, encrypted_keys, ciphertext, size, etag) VALUES ($1, $2, $3, $4, $5, 1, $6)', [
      versionId,
      objectId,
      env,
      keys,
      randomBytes(20),
      versionId,
    ]);
  /** An object written by "another writer" (SQL, not the repository under test). */
  const insertObject = async (id: string, versionId: string) => {
    await sql.query(
      `INSERT INTO vault_objects (id, environment_id, name, key_context, kek_id, current_version_id, updated_by_id, updated_by_name)
       VALUES ($1, $2, $3, '{}', 'kek_cache', $4, 'sql', 'sql')`,
      [id, env, `name-${id}`, versionId],
    );
    await insertVersion(id, versionId);
  };
  /** Waits until a read of `id` is answered from memory (the LISTEN connection is up and the row stored). */
  const cached = (id: string) =>
    waitFor(
      async () => {
        await repo.readById(env, id);
        const n = lookups;
        await repo.readById(env, id);
        return lookups === n;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: `${id} answered from memory` },
    );

  before(async () => {
    db = await createTestDatabase('vault_object_cache', join(__dirname, '..', '..', 'prisma', 'migrations'));
    pool = new Pool({ connectionString: db.url, max: 4 });
    const query = pool.query.bind(pool) as (q: QueryConfig) => Promise<unknown>;
    (pool as unknown as { query: typeof query }).query = (q: QueryConfig) => {
      if (q.name === 'vault_object_by_id') lookups++;
      return query(q);
    };
    sql = new Pool({ connectionString: db.url, max: 2 });
    await sql.query(`INSERT INTO vault_keks (id, environment_id, context_hash, key_context) VALUES ('kek_cache', $1, 'h', '{}')`, [env]);
    const prisma = { pool } as unknown as PrismaService;
    repo = new ObjectsRepository(prisma, new OutboxGroupAppender(pgExecutor(pool)), { DATABASE_URL: db.url } as AppConfig, pino({ level: 'silent' }));
    repo.onModuleInit();
  });
  after(async () => {
    await repo?.onModuleDestroy();
    await pool?.end();
    await sql?.end();
    await db?.drop();
  });

  test("another writer's update of the object drops it", async () => {
    const id = newId();
    const v1 = newId();
    const v2 = newId();
    await insertObject(id, v1);
    await cached(id);
    await insertVersion(id, v2);
    await sql.query('UPDATE vault_objects SET current_version_id = $2 WHERE id = $1', [id, v2]);
    await waitFor(async () => (await repo.readById(env, id))?.currentVersionId === v2, { timeoutMs: 10_000, intervalMs: 20, message: 'the new version read' });
  });

  test("the rekey's rewrap of the current version's data key drops it", async () => {
    const id = newId();
    const v1 = newId();
    await insertObject(id, v1);
    await cached(id);
    const rewrapped = randomBytes(60);
    await sql.query('UPDATE vault_object_versions SET encrypted_keys = $2 WHERE id = $1', [v1, rewrapped]);
    await waitFor(async () => (await repo.readById(env, id))?.encryptedKeys.equals(rewrapped), { timeoutMs: 10_000, intervalMs: 20, message: 'the rewrapped key read' });
  });

  test("a delete by another writer (the shredding purge's statement) drops it", async () => {
    const id = newId();
    await insertObject(id, newId());
    await cached(id);
    await sql.query('DELETE FROM vault_objects WHERE id IN (SELECT id FROM vault_objects WHERE environment_id = $1 AND id = $2 LIMIT 10)', [env, id]);
    await waitFor(async () => (await repo.readById(env, id)) === null, { timeoutMs: 10_000, intervalMs: 20, message: 'the object gone' });
  });

  test('a miss read before the object existed is dropped by its insert', async () => {
    const id = newId();
    await cached(id);
    assert.equal(await repo.readById(env, id), null);
    await insertObject(id, newId());
    await waitFor(async () => (await repo.readById(env, id)) !== null, { timeoutMs: 10_000, intervalMs: 20, message: 'the inserted object read' });
  });

  test("this process's own update and delete are seen by its very next read", async () => {
    const id = newId();
    await insertObject(id, newId());
    await cached(id);
    const v2 = { id: newId(), encryptedKeys: randomBytes(60), ciphertext: randomBytes(20), size: 1, etag: 'e2' };
    const updated = await repo.update(env, id, null, v2, API_ACTOR, (o) => dataWrittenEvent('updated', o, API_ACTOR));
    assert.ok('ok' in updated);
    assert.equal((await repo.readById(env, id))?.currentVersionId, v2.id);
    const deleted = await repo.delete(env, id, null, (o) => namedEvent('vault.data.deleted', o, API_ACTOR));
    assert.ok('ok' in deleted);
    assert.equal(await repo.readById(env, id), null);
  });

  test('a writer compares versions with the committed row, never the cached one', async () => {
    const id = newId();
    const v1 = newId();
    await insertObject(id, v1);
    await cached(id);
    const n = lookups;
    assert.equal((await repo.findById(env, id))?.currentVersionId, v1);
    assert.equal(lookups, n + 1);
  });
});
