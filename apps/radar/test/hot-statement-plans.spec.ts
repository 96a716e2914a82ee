import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTestDatabase, genericPlan, type TestDatabase } from '@wos/platform/testing';
import { RECORD_OUTCOME_SQL } from '../src/attempts/attempts.repository';

/*
 * updateAttempt (every sign-in's outcome) is a named prepared statement: its generic plan, made
 * once per connection, must find the attempt and its related one by the primary key on tables
 * never analyzed. It used the (environment_id, email) index and read every attempt of the
 * environment per sign-in (607 rows per update in tools/bench/radar.mjs).
 */
describe('radar: hot statements plan by the primary key on tables never analyzed', () => {
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
});
