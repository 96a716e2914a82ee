import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTestDatabase, genericPlan, type TestDatabase } from '@wos/platform/testing';
import { ACCOUNT_HISTORIES_SQL, RECORD_OUTCOME_SQL } from '../src/attempts/attempts.repository';

/*
 * updateAttempt (every sign-in's outcome) is a named prepared statement: its generic plan, made
 * once per connection, must find the attempt and its related one by the primary key on tables
 * never analyzed. It used the (environment_id, email) index and read every attempt of the
 * environment per sign-in (607 rows per update in tools/bench/radar.mjs).
 */
describe('radar: hot statements plan by their indexes on tables never analyzed', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('radar_plans', join(__dirname, '..', '..', 'prisma', 'migrations'));
  });
  after(async () => {
    await db?.drop();
  });

  test("recording an attempt's outcome", async () => {
    const plan = await genericPlan(db.url, RECORD_OUTCOME_SQL, ['environment_plan', 'radar_att_plan', 'success', null, '2026-12-05T00:00:00Z', true, false]);
    const attemptScans = plan.split('\n').filter((line) => /Scan .* on radar_attempts\b/.test(line));
    assert.equal(attemptScans.length, 2, plan);
    for (const scan of attemptScans) assert.match(scan, /using radar_attempts_pkey/, plan);
  });

  test("the sign-ins' shared account-history lookup", async () => {
    const plan = await genericPlan(db.url, ACCOUNT_HISTORIES_SQL, ['{env_a,env_b}', '{a@example.com,b@example.com}', '{device_a,NULL}']);
    const scans = plan.split('\n').filter((line) => /Scan .* on radar_\w+/.test(line));
    assert.equal(scans.length, 3, plan);
    assert.deepEqual(
      scans.map((line) => /using (\w+)/.exec(line)?.[1]).sort(),
      ['radar_accounts_pkey', 'radar_directory_users_environment_id_email_idx', 'radar_known_devices_pkey'],
      plan,
    );
  });
});
