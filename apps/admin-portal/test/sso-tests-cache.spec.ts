import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { QueryConfig } from 'pg';
import pino from 'pino';
import { Pool } from 'pg';
import type { HealthRegistry } from '@wos/platform';
import { createTestDatabase, waitFor, type TestDatabase } from '@wos/platform/testing';
import type { AppConfig } from '../src/config';
import { PrismaService } from '../src/infra/prisma.service';
import { SsoTestsRepository } from '../src/portal/sso/sso-tests.repository';

/*
 * Real Postgres: a connection's newest SSO self-test, which every render of the SSO page shows,
 * is answered from this process's memory, and every new or removed result, recorded by this
 * process or by any other writer (another replica, an organization's deletion, SQL), reaches it
 * through the table's trigger.
 */
describe("admin-portal: the cache of a connection's newest SSO test stays coherent with every writer", () => {
  const env = 'environment_tests';
  const org = 'org_tests';
  let db: TestDatabase;
  let prisma: PrismaService;
  let sql: Pool;
  let repo: SsoTestsRepository;
  /* Reads of the newest test the repository sent to the database. */
  let reads = 0;
  let n = 0;

  const insertResult = (connectionId: string, outcome: string) =>
    sql.query(`INSERT INTO sso_test_results (id, environment_id, organization_id, connection_id, outcome, report, created_at) VALUES ($1, $2, $3, $4, $5, '{}', now())`, [
      `sso_test_${++n}`,
      env,
      org,
      connectionId,
      outcome,
    ]);
  /** Waits until the newest test of `connectionId` is answered from memory (the LISTEN connection is up and the read stored). */
  const cached = (connectionId: string) =>
    waitFor(
      async () => {
        await repo.latest(env, org, connectionId);
        const before = reads;
        await repo.latest(env, org, connectionId);
        return reads === before;
      },
      { timeoutMs: 10_000, intervalMs: 20, message: 'the newest test answered from memory' },
    );
  /**
   * Waits until every notification committed so far has reached the cache. They arrive in commit
   * order, so a sentinel connection's result, seen once its own notification dropped the cached
   * null, proves the earlier ones arrived: a late one would drop an entry a test just cached.
   */
  const notificationsDelivered = async () => {
    const sentinel = `conn_sentinel_${n}`;
    await cached(sentinel);
    await insertResult(sentinel, 'failed');
    await waitFor(async () => (await repo.latest(env, org, sentinel))?.outcome === 'failed', { timeoutMs: 10_000, intervalMs: 10, message: 'the sentinel notification delivered' });
  };

  before(async () => {
    db = await createTestDatabase('admin_portal_sso_tests', join(__dirname, '..', '..', 'prisma', 'migrations'));
    prisma = new PrismaService(db.url, 4, { add: () => undefined } as unknown as HealthRegistry);
    const query = prisma.pool.query.bind(prisma.pool) as (q: QueryConfig) => Promise<unknown>;
    (prisma.pool as unknown as { query: typeof query }).query = (q: QueryConfig) => {
      if (q.name === 'portal_latest_sso_test') reads++;
      return query(q);
    };
    sql = new Pool({ connectionString: db.url, max: 2 });
    repo = new SsoTestsRepository(prisma, { DATABASE_URL: db.url } as AppConfig, pino({ level: 'silent' }));
    repo.onModuleInit();
  });
  after(async () => {
    await repo?.onModuleDestroy();
    await prisma?.pool.end();
    await sql?.end();
    await db?.drop();
  });

  test("a connection with no test yet is read once; another writer's first result reaches it, then its removal", async () => {
    await cached('conn_a');
    assert.equal(await repo.latest(env, org, 'conn_a'), null);
    await insertResult('conn_a', 'failed');
    await waitFor(async () => (await repo.latest(env, org, 'conn_a'))?.outcome === 'failed', { timeoutMs: 10_000, intervalMs: 10, message: "another writer's result seen" });
    await sql.query('DELETE FROM sso_test_results WHERE connection_id = $1', ['conn_a']);
    await waitFor(async () => (await repo.latest(env, org, 'conn_a')) === null, { timeoutMs: 10_000, intervalMs: 10, message: 'the removal seen' });
  });

  test("this process's own result is shown by its very next read, without waiting for the notification; other connections keep theirs", async () => {
    await insertResult('conn_b', 'failed');
    await insertResult('conn_c', 'failed');
    await notificationsDelivered();
    await cached('conn_b');
    await cached('conn_c');
    await repo.record({ id: `sso_test_${++n}`, environmentId: env, organizationId: org, connectionId: 'conn_b', outcome: 'passed', report: {}, createdAt: new Date(Date.now() + 1000) });
    assert.equal((await repo.latest(env, org, 'conn_b'))!.outcome, 'passed');
    const before = reads;
    assert.equal((await repo.latest(env, org, 'conn_c'))!.outcome, 'failed');
    assert.equal(reads, before, "conn_c's test still from memory");
  });
});
