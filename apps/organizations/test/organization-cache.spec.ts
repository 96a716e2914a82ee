import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool, type QueryConfig } from 'pg';
import pino from 'pino';
import { createTestDatabase, waitFor, type TestDatabase } from '@wos/platform/testing';
import type { AppConfig } from '../src/config';
import type { PrismaService } from '../src/infra/prisma.service';
import { OrganizationsRepository } from '../src/organizations/organizations.repository';

/*
 * Real Postgres: GET /organizations/:id's read is answered from this process's memory, and every
 * change to the organization or to one of its domains by any other writer (another replica, the
 * domain verification job, a cascade, SQL) reaches it through the tables' triggers.
 */
describe('organizations: the by-ID read cache stays coherent with every writer', () => {
  const env = 'environment_org_cache';
  let db: TestDatabase;
  let pool: Pool;
  let sql: Pool;
  let repo: OrganizationsRepository;
  /* Reads by ID the repository sent to the database. */
  let reads = 0;

  /** Waits until a read of `id` is answered from memory (the LISTEN connection is up and the row stored). */
  const cached = (id: string) =>
    waitFor(
      async () => {
        await repo.findById(env, id);
        const n = reads;
        await repo.findById(env, id);
        return reads === n;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: `${id} answered from memory` },
    );

  before(async () => {
    db = await createTestDatabase('organizations_by_id_cache', join(__dirname, '..', '..', 'prisma', 'migrations'));
    pool = new Pool({ connectionString: db.url, max: 4 });
    const query = pool.query.bind(pool) as (q: QueryConfig) => Promise<unknown>;
    (pool as unknown as { query: typeof query }).query = (q: QueryConfig) => {
      if (q.name === 'organization_by_id') reads++;
      return query(q);
    };
    sql = new Pool({ connectionString: db.url, max: 2 });
    repo = new OrganizationsRepository({ pool } as unknown as PrismaService, { DATABASE_URL: db.url } as AppConfig, pino({ level: 'silent' }));
    repo.onModuleInit();
  });
  after(async () => {
    await repo?.onModuleDestroy();
    await pool?.end();
    await sql?.end();
    await db?.drop();
  });

  test("another writer's rename, new domain, domain state and deletion each reach the cached read", async () => {
    const id = 'org_cache_a';
    assert.equal(await repo.findById(env, id), null);
    await sql.query(`INSERT INTO organizations (id, environment_id, name) VALUES ($1, $2, 'Before')`, [id, env]);
    await waitFor(async () => (await repo.findById(env, id))?.name === 'Before', { timeoutMs: 10_000, intervalMs: 10, message: 'the inserted organization found' });
    await cached(id);
    await sql.query(`UPDATE organizations SET name = 'After' WHERE id = $1`, [id]);
    await waitFor(async () => (await repo.findById(env, id))?.name === 'After', { timeoutMs: 10_000, intervalMs: 10, message: 'the rename seen' });
    await sql.query(
      `INSERT INTO organization_domains (id, environment_id, organization_id, domain, state, verification_strategy) VALUES ('org_domain_cache_a', $1, $2, 'cache.example', 'pending', 'dns')`,
      [env, id],
    );
    await waitFor(async () => (await repo.findById(env, id))?.domains.length === 1, { timeoutMs: 10_000, intervalMs: 10, message: 'the new domain seen' });
    await sql.query(`UPDATE organization_domains SET state = 'verified' WHERE id = 'org_domain_cache_a'`);
    await waitFor(async () => (await repo.findById(env, id))?.domains[0]?.state === 'verified', { timeoutMs: 10_000, intervalMs: 10, message: 'the verification seen' });
    await sql.query('DELETE FROM organizations WHERE id = $1', [id]);
    await waitFor(async () => (await repo.findById(env, id)) === null, { timeoutMs: 10_000, intervalMs: 10, message: 'the deletion seen' });
  });

  test("this process's own change is read at once after `changed`; another environment's key is its own", async () => {
    const id = 'org_cache_b';
    await sql.query(`INSERT INTO organizations (id, environment_id, name) VALUES ($1, $2, 'Mine')`, [id, env]);
    await waitFor(async () => (await repo.findById(env, id)) !== null, { timeoutMs: 10_000, intervalMs: 10, message: 'found' });
    await cached(id);
    assert.equal(await repo.findById('environment_other', id), null);
    await sql.query(`UPDATE organizations SET name = 'Renamed here' WHERE id = $1`, [id]);
    repo.changed(env, id);
    assert.equal((await repo.findById(env, id))!.name, 'Renamed here');
  });
});
