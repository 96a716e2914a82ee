import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool, type QueryConfig } from 'pg';
import pino from 'pino';
import { createTestDatabase, waitFor, type TestDatabase } from '@wos/platform/testing';
import type { AppConfig } from '../src/config';
import type { PrismaService } from '../src/infra/prisma.service';
import { ConnectionCallbackCache } from '../src/connections/callback-cache';

/*
 * Real Postgres: the connection a SAML ACS or OIDC callback names is answered from this process's
 * memory, and every change to it by any other writer (another replica, the certificate scan, an
 * organization's deletion, SQL) reaches it through the table's trigger: a deactivated or deleted
 * connection stops answering as active within one notification.
 */
describe('sso: the callbacks’ connection cache stays coherent with every writer', () => {
  const env = 'environment_callbacks';
  let db: TestDatabase;
  let pool: Pool;
  let sql: Pool;
  let cache: ConnectionCallbackCache;
  /* Connection reads the cache sent to the database. */
  let reads = 0;

  const insert = (id: string) => sql.query(`INSERT INTO connections (id, environment_id, name, connection_type, protocol, state) VALUES ($1, $2, 'Callbacks', 'GenericSAML', 'saml', 'active')`, [id, env]);
  /** Waits until a lookup of `id` is answered from memory (the LISTEN connection is up and the row stored). */
  const cached = (id: string) =>
    waitFor(
      async () => {
        await cache.get(id);
        const n = reads;
        await cache.get(id);
        return reads === n;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: `${id} answered from memory` },
    );

  before(async () => {
    db = await createTestDatabase('sso_callback_cache', join(__dirname, '..', '..', 'prisma', 'migrations'));
    pool = new Pool({ connectionString: db.url, max: 4 });
    const query = pool.query.bind(pool) as (q: QueryConfig) => Promise<unknown>;
    (pool as unknown as { query: typeof query }).query = (q: QueryConfig) => {
      if (q.name === 'connection_for_callback') reads++;
      return query(q);
    };
    sql = new Pool({ connectionString: db.url, max: 2 });
    cache = new ConnectionCallbackCache({ pool } as unknown as PrismaService, { DATABASE_URL: db.url } as AppConfig, pino({ level: 'silent' }));
    cache.onModuleInit();
  });
  after(async () => {
    await cache?.onModuleDestroy();
    await pool?.end();
    await sql?.end();
    await db?.drop();
  });

  test('a connection is read once, then from memory; another writer’s deactivation and deletion reach it', async () => {
    assert.equal(await cache.get('conn_callbacks_a'), null);
    await insert('conn_callbacks_a');
    await waitFor(async () => (await cache.get('conn_callbacks_a'))?.state === 'active', { timeoutMs: 10_000, intervalMs: 10, message: 'the inserted connection found' });
    await cached('conn_callbacks_a');
    assert.deepEqual((await cache.get('conn_callbacks_a'))!.domains, []);
    await sql.query(`UPDATE connections SET state = 'inactive' WHERE id = $1`, ['conn_callbacks_a']);
    await waitFor(async () => (await cache.get('conn_callbacks_a'))?.state === 'inactive', { timeoutMs: 10_000, intervalMs: 10, message: 'the deactivation seen' });
    await sql.query('DELETE FROM connections WHERE id = $1', ['conn_callbacks_a']);
    await waitFor(async () => (await cache.get('conn_callbacks_a')) === null, { timeoutMs: 10_000, intervalMs: 10, message: 'the deletion seen' });
  });

  test('this process’s own change is seen by the very next lookup (changed), other connections stay in memory', async () => {
    await insert('conn_callbacks_b');
    await insert('conn_callbacks_c');
    await cached('conn_callbacks_b');
    await cached('conn_callbacks_c');
    await sql.query(`UPDATE connections SET state = 'inactive' WHERE id = $1`, ['conn_callbacks_b']);
    cache.changed('conn_callbacks_b');
    assert.equal((await cache.get('conn_callbacks_b'))!.state, 'inactive');
    const n = reads;
    assert.equal((await cache.get('conn_callbacks_c'))!.state, 'active');
    assert.equal(reads, n);
  });
});
