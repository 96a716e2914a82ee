import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@wos/platform';
import type { AppConfig } from '../config';
import { KeksService } from './keks.service';
import type { KeksRepository, KekRow } from './keks.repository';
import type { RootKeysService } from './root-keys.service';

/*
 * The context → current-version cache of one replica. Another replica rotates the KEK (the rows
 * now say version 2); this replica keeps serving requests for that context every second and must
 * still move to version 2 once CONTEXT_TTL_MS (30 s) has passed since it read the row: a hit must
 * not extend the entry, or a busy replica would wrap under the old version for good.
 */
test('a busy replica moves to a rotated KEK version within 30 s: cache hits do not extend the entry', async (t) => {
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
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
  const keks = new KeksService(repo, roots, { DATABASE_URL: 'postgresql://127.0.0.1:1/unused' } as AppConfig, createLogger('vault-test', 'silent'));
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
