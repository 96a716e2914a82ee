import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { createLogger } from '@wos/platform';
import { testInfra, waitFor } from '@wos/platform/testing';
import type { AppConfig } from '../config';
import { KEK_SHREDDED_CHANNEL, KeksService, KeyShreddedError } from './keks.service';
import type { KeksRepository, KekRow } from './keks.repository';
import type { RootKeysService } from './root-keys.service';

/** A KeksService over `repo` and `roots` whose LISTEN connection (real Postgres) is up. */
async function servingKeks(repo: KeksRepository, roots: RootKeysService): Promise<KeksService> {
  const keks = new KeksService(repo, roots, { DATABASE_URL: testInfra.postgresAdminUrl } as AppConfig, createLogger('vault-test', 'silent'));
  keks.onModuleInit();
  await waitFor(() => keks.serving, { timeoutMs: 10_000, message: 'the KEK listener connected' });
  return keks;
}

/*
 * The context → current-version cache of one replica. Another replica rotates the KEK (the rows
 * now say version 2); this replica keeps serving requests for that context every second and must
 * still move to version 2 once CONTEXT_TTL_MS (30 s) has passed since it read the row: a hit must
 * not extend the entry, or a busy replica would wrap under the old version for good.
 */
test('a busy replica moves to a rotated KEK version within 30 s: cache hits do not extend the entry', async (t) => {
  let current = 1;
  let contextReads = 0;
  const repo = {
    findByContext: async (): Promise<KekRow> => {
      contextReads++;
      return { id: 'kek_1', currentVersion: current, shredded: false };
    },
    findVersion: async (_env: string, kekId: string, version: number) => ({ kekId, version, wrapping: {}, byok: null, shredded: false }),
  } as unknown as KeksRepository;
  const roots = { unwrap: async () => Buffer.alloc(32, current) } as unknown as RootKeysService;
  const keks = await servingKeks(repo, roots);
  t.after(() => keks.onModuleDestroy());
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
  const context = { organization_id: 'org_1' };

  assert.equal((await keks.forContext('env_1', context)).version, 1);
  assert.equal(contextReads, 1);
  current = 2; // rotated by another replica
  for (let s = 1; s < 30; s++) {
    mock.timers.tick(1000);
    assert.equal((await keks.forContext('env_1', context)).version, 1, `second ${s}: still the cached version`);
  }
  assert.equal(contextReads, 1, 'every request within the 30 s was a cache hit');
  mock.timers.tick(1001);
  assert.equal((await keks.forContext('env_1', context)).version, 2, '30 s after the row was read, the rotated version is used');
  assert.equal(contextReads, 2);
});

/*
 * A replica whose LISTEN connection is lost may miss the shredding's notification: from the loss
 * until it is connected again it must read the rows on every lookup, so a KEK shredded meanwhile
 * is refused at once (it used to serve its cached key until the reconnection, up to 30 s later).
 */
test('while its LISTEN connection is lost, a replica reads the rows: a KEK shredded meanwhile is refused at once', async (t) => {
  let shredded = false;
  let versionReads = 0;
  const repo = {
    findVersion: async (_env: string, kekId: string, version: number) => {
      versionReads++;
      return { kekId, version, wrapping: {}, byok: null, shredded };
    },
  } as unknown as KeksRepository;
  const roots = { unwrap: async () => Buffer.alloc(32, 7) } as unknown as RootKeysService;
  const keks = await servingKeks(repo, roots);
  t.after(() => keks.onModuleDestroy());

  await keks.version('env_1', 'kek_1', 1);
  await keks.version('env_1', 'kek_1', 1);
  assert.equal(versionReads, 1, 'connected: the second lookup came from memory');

  const admin = new Client({ connectionString: testInfra.postgresAdminUrl });
  await admin.connect();
  t.after(() => admin.end());
  // Only this database's listener: suites running beside this one keep theirs.
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [`listen:${KEK_SHREDDED_CHANNEL}`]);
  await waitFor(() => !keks.serving, { timeoutMs: 10_000, message: 'the loss noticed' });
  shredded = true; // by another replica, whose notification this one cannot receive now
  await assert.rejects(keks.version('env_1', 'kek_1', 1), KeyShreddedError);

  shredded = false;
  await keks.version('env_1', 'kek_1', 1);
  const reads = versionReads;
  await keks.version('env_1', 'kek_1', 1);
  assert.equal(versionReads, reads + 1, 'nothing is remembered while the connection is down');

  await waitFor(() => keks.serving, { timeoutMs: 15_000, message: 'reconnected' });
  await keks.version('env_1', 'kek_1', 1);
  const after = versionReads;
  await keks.version('env_1', 'kek_1', 1);
  assert.equal(versionReads, after, 'reconnected: answered from memory again');
});
