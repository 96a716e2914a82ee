import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { AttemptsRepository } from '../src/attempts/attempts.repository';
import type { PrismaService } from '../src/infra/prisma.service';

const ENV_A = 'environment_radar_history_a';
const ENV_B = 'environment_radar_history_b';

/*
 * Sign-ins' account-history lookups share statements under load: each must get exactly its own
 * account's history, in its own environment, whichever lookups shared its statement.
 */
describe('radar account history shared between concurrent sign-ins', () => {
  let db: TestDatabase;
  let pool: Pool;
  let repo: AttemptsRepository;

  before(async () => {
    db = await createTestDatabase('radar_history', join(__dirname, '..', '..', 'prisma', 'migrations'));
    pool = new Pool({ connectionString: db.url, max: 4 });
    repo = new AttemptsRepository({ pool } as unknown as PrismaService);
    await pool.query(
      `INSERT INTO radar_accounts (environment_id, email, last_success_at, last_success_ip, last_success_latitude, last_success_longitude)
       VALUES ($1, 'ann@example.com', '2026-11-01T00:00:00Z', '198.51.100.1', 48.85, 2.35), ($2, 'ann@example.com', '2026-10-01T00:00:00Z', '198.51.100.2', NULL, NULL)`,
      [ENV_A, ENV_B],
    );
    await pool.query(
      `INSERT INTO radar_known_devices (environment_id, email, device_hash, last_seen_at)
       VALUES ($1, 'ann@example.com', 'device-1', now()), ($1, 'ann@example.com', 'device-2', now()), ($2, 'bob@example.com', 'device-9', now())`,
      [ENV_A, ENV_B],
    );
    await pool.query(
      `INSERT INTO radar_directory_users (environment_id, directory_user_id, email, state, updated_at)
       VALUES ($1, 'directory_user_1', 'ann@example.com', 'inactive', now()), ($2, 'directory_user_2', 'ann@example.com', 'active', now())`,
      [ENV_A, ENV_B],
    );
  });
  after(async () => {
    await repo?.beforeApplicationShutdown();
    await pool?.end();
    await db?.drop();
  });

  test('each lookup gets its own account, devices and directory state, never another environment’s', async () => {
    const [annA, annB, annAOther, bobB, bobA, nobody, annANoDevice] = await Promise.all([
      repo.accountHistory(ENV_A, 'ann@example.com', 'device-2'),
      repo.accountHistory(ENV_B, 'ann@example.com', 'device-2'),
      repo.accountHistory(ENV_A, 'ann@example.com', 'device-3'),
      repo.accountHistory(ENV_B, 'bob@example.com', 'device-9'),
      repo.accountHistory(ENV_A, 'bob@example.com', 'device-9'),
      repo.accountHistory(ENV_A, 'nobody@example.com', 'device-1'),
      repo.accountHistory(ENV_A, 'ann@example.com', null),
    ]);
    assert.deepEqual(annA, { lastSuccessAt: new Date('2026-11-01T00:00:00Z'), lastSuccessPoint: { latitude: 48.85, longitude: 2.35 }, directoryState: 'inactive', knownDevice: true });
    assert.deepEqual(annB, { lastSuccessAt: new Date('2026-10-01T00:00:00Z'), lastSuccessPoint: undefined, directoryState: 'active', knownDevice: undefined }, 'no device of hers is known in B');
    assert.equal(annAOther.knownDevice, false, 'an account with devices, none of them this one');
    assert.deepEqual(bobB, { lastSuccessAt: undefined, lastSuccessPoint: undefined, directoryState: undefined, knownDevice: true });
    assert.deepEqual(bobA, { lastSuccessAt: undefined, lastSuccessPoint: undefined, directoryState: undefined, knownDevice: undefined }, "B's devices are not A's");
    assert.deepEqual(nobody, { lastSuccessAt: undefined, lastSuccessPoint: undefined, directoryState: undefined, knownDevice: undefined });
    assert.equal(annANoDevice.knownDevice, undefined, 'no fingerprint: nothing to compare');
  });
});
