import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool, type QueryConfig } from 'pg';
import pino from 'pino';
import { createTestDatabase, waitFor, type TestDatabase } from '@wos/platform/testing';
import type { AppConfig } from '../src/config';
import type { PrismaService } from '../src/infra/prisma.service';
import { ConnectionCache } from '../src/connections/connection-cache';

/*
 * Real Postgres: the connection a SAML ACS or OIDC callback names, and an organization's newest
 * connection with its domains (the Admin Portal's SSO page), are answered from this process's
 * memory, and every change by any other writer (another replica, the certificate scan, an
 * organization's deletion, SQL) reaches them through the tables' triggers: a deactivated or
 * deleted connection stops answering as active within one notification.
 */
describe('sso: the connection cache stays coherent with every writer', () => {
  const env = 'environment_callbacks';
  let db: TestDatabase;
  let pool: Pool;
  let sql: Pool;
  let cache: ConnectionCache;
  /* Connection reads the cache sent to the database. */
  let reads = 0;

  const insert = (id: string, organizationId: string | null = null) =>
    sql.query(`INSERT INTO connections (id, environment_id, organization_id, name, connection_type, protocol, state) VALUES ($1, $2, $3, 'Callbacks', 'GenericSAML', 'saml', 'active')`, [id, env, organizationId]);
  /** Waits until `lookup` is answered from memory (the LISTEN connection is up and the row stored). */
  const cachedBy = (lookup: () => Promise<unknown>, what: string) =>
    waitFor(
      async () => {
        await lookup();
        const n = reads;
        await lookup();
        return reads === n;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: `${what} answered from memory` },
    );
  const cached = (id: string) => cachedBy(() => cache.forCallback(id), id);
  const newest = (org: string) => cache.newestOfOrganization(env, org);

  before(async () => {
    db = await createTestDatabase('sso_callback_cache', join(__dirname, '..', '..', 'prisma', 'migrations'));
    pool = new Pool({ connectionString: db.url, max: 4 });
    const query = pool.query.bind(pool) as (q: QueryConfig) => Promise<unknown>;
    (pool as unknown as { query: typeof query }).query = (q: QueryConfig) => {
      if (q.name === 'connection_for_callback' || q.name === 'connection_newest_of_organization') reads++;
      return query(q);
    };
    sql = new Pool({ connectionString: db.url, max: 2 });
    cache = new ConnectionCache({ pool } as unknown as PrismaService, { DATABASE_URL: db.url } as AppConfig, pino({ level: 'silent' }));
    cache.onModuleInit();
  });
  after(async () => {
    await cache?.onModuleDestroy();
    await pool?.end();
    await sql?.end();
    await db?.drop();
  });

  test('a connection is read once, then from memory; another writer’s deactivation and deletion reach it', async () => {
    assert.equal(await cache.forCallback('conn_callbacks_a'), null);
    await insert('conn_callbacks_a');
    await waitFor(async () => (await cache.forCallback('conn_callbacks_a'))?.state === 'active', { timeoutMs: 10_000, intervalMs: 10, message: 'the inserted connection found' });
    await cached('conn_callbacks_a');
    assert.deepEqual((await cache.forCallback('conn_callbacks_a'))!.domains, []);
    await sql.query(`UPDATE connections SET state = 'inactive' WHERE id = $1`, ['conn_callbacks_a']);
    await waitFor(async () => (await cache.forCallback('conn_callbacks_a'))?.state === 'inactive', { timeoutMs: 10_000, intervalMs: 10, message: 'the deactivation seen' });
    await sql.query('DELETE FROM connections WHERE id = $1', ['conn_callbacks_a']);
    await waitFor(async () => (await cache.forCallback('conn_callbacks_a')) === null, { timeoutMs: 10_000, intervalMs: 10, message: 'the deletion seen' });
  });

  test('this process’s own change is seen by the very next lookup (changed), other connections stay in memory', async () => {
    await insert('conn_callbacks_b');
    await insert('conn_callbacks_c');
    await cached('conn_callbacks_b');
    await cached('conn_callbacks_c');
    await sql.query(`UPDATE connections SET state = 'inactive' WHERE id = $1`, ['conn_callbacks_b']);
    cache.changed({ id: 'conn_callbacks_b', environmentId: env, organizationId: null });
    assert.equal((await cache.forCallback('conn_callbacks_b'))!.state, 'inactive');
    const n = reads;
    assert.equal((await cache.forCallback('conn_callbacks_c'))!.state, 'active');
    assert.equal(reads, n);
  });

  test('an organization’s newest connection with its domains: read once, then from memory; inserts, domains, deletions and other environments by any writer reach it', async () => {
    const org = 'org_portal_a';
    assert.equal(await newest(org), null);
    await cachedBy(() => newest(org), 'the organization without a connection');
    await insert('conn_portal_1', org);
    await waitFor(async () => (await newest(org))?.id === 'conn_portal_1', { timeoutMs: 10_000, intervalMs: 10, message: 'the first connection found' });
    await cachedBy(() => newest(org), 'the organization');
    await sql.query(`INSERT INTO connection_domains (id, environment_id, connection_id, domain) VALUES ('conn_domain_portal_1', $1, 'conn_portal_1', 'portal.example')`, [env]);
    await waitFor(async () => (await newest(org))?.domains.map((d) => d.domain).join() === 'portal.example', { timeoutMs: 10_000, intervalMs: 10, message: 'the domain seen' });
    await insert('conn_portal_2', org);
    await waitFor(async () => (await newest(org))?.id === 'conn_portal_2', { timeoutMs: 10_000, intervalMs: 10, message: 'the newer connection seen' });
    // Another environment's connection for the same organization ID is never this one's.
    await sql.query(`INSERT INTO connections (id, environment_id, organization_id, name, connection_type, protocol, state) VALUES ('conn_portal_3', 'environment_other', $1, 'Other', 'GenericSAML', 'saml', 'active')`, [org]);
    await sql.query('DELETE FROM connections WHERE id = $1', ['conn_portal_2']);
    await waitFor(async () => (await newest(org))?.id === 'conn_portal_1', { timeoutMs: 10_000, intervalMs: 10, message: 'the deletion seen' });
    assert.deepEqual((await newest(org))!.domains.map((d) => d.domain), ['portal.example']);
    assert.equal((await cache.newestOfOrganization('environment_other', org))?.id, 'conn_portal_3');
  });

  test('this process’s own change drops the organization’s key at once; other organizations stay in memory', async () => {
    await insert('conn_portal_b1', 'org_portal_b');
    await insert('conn_portal_c1', 'org_portal_c');
    await cachedBy(() => newest('org_portal_b'), 'organization b');
    await cachedBy(() => newest('org_portal_c'), 'organization c');
    await sql.query(`UPDATE connections SET state = 'inactive' WHERE id = $1`, ['conn_portal_b1']);
    cache.changed({ id: 'conn_portal_b1', environmentId: env, organizationId: 'org_portal_b' });
    assert.equal((await newest('org_portal_b'))!.state, 'inactive');
    const n = reads;
    assert.equal((await newest('org_portal_c'))!.state, 'active');
    assert.equal(reads, n);
  });
});
