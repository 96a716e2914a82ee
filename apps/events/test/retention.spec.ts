import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { waitFor } from '@wos/platform/testing';
import { RetentionService, PRUNE_BATCH_SIZE } from '../src/retention/retention.service';
import { PruneProcessor, PRUNE_SCHEDULER_ID } from '../src/retention/jobs/prune.processor';
import { daysAgo, getEvents, organization, orgEvent, seed, startTestService, testEnvironmentId, type RunningService } from './support/events-harness';

async function countEvents(svc: RunningService, environmentId: string): Promise<number> {
  const db = new Client({ connectionString: svc.db.url });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE environment_id = $1', [environmentId]);
    return rows[0]!.n;
  } finally {
    await db.end();
  }
}

/** Old rows straight into the table, more than one prune batch of them. */
async function insertOldRows(svc: RunningService, environmentId: string, n: number): Promise<void> {
  const db = new Client({ connectionString: svc.db.url });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO events (id, environment_id, event, payload, created_at)
       SELECT 'event_bulk_' || $1 || '_' || g, $1, 'organization.created', '{}'::jsonb, now() - interval '40 days'
       FROM generate_series(1, $2::int) g`,
      [environmentId, n],
    );
  } finally {
    await db.end();
  }
}

describe('RetentionService.prune', () => {
  let svc: RunningService;
  const env = testEnvironmentId('retention');
  const org = organization('Acme');
  const old = [0, 1, 2].map(() => orgEvent('organization.created', env, org, daysAgo(40)));
  const recent = [orgEvent('organization.updated', env, org, daysAgo(29)), orgEvent('organization.updated', env, org)];

  before(async () => {
    svc = await startTestService('retention', { EVENTS_RETENTION_DAYS: '30' });
  });
  after(async () => {
    await svc?.close();
  });

  test('deletes events older than the retention period and keeps newer ones', async () => {
    // A job scheduler with `every` runs its first job immediately; let it finish so it cannot race this test.
    const queue = svc.app.get(PruneProcessor).queue;
    await waitFor(async () => (await queue.getJobCounts('completed')).completed! >= 1, { message: 'the boot-time prune' });
    await seed(svc, [...old, ...recent]);
    await insertOldRows(svc, env, PRUNE_BATCH_SIZE * 2 + 10);
    const deleted = await svc.app.get(RetentionService).prune();
    assert.equal(deleted, old.length + PRUNE_BATCH_SIZE * 2 + 10);
    assert.equal(await countEvents(svc, env), recent.length);
    const { body } = await getEvents(svc, env, 'events=organization.created,organization.updated');
    assert.deepEqual(body.data.map((e: { id: string }) => e.id), recent.map((e) => e.id));
    assert.equal(await svc.app.get(RetentionService).prune(), 0);
  });
});

describe('PruneProcessor', () => {
  let svc: RunningService;
  const env = testEnvironmentId('retention_job');
  const org = organization('Acme');

  before(async () => {
    svc = await startTestService('retention_job', { EVENTS_PRUNE_INTERVAL_MS: '500' });
  });
  after(async () => {
    await svc?.close();
  });

  test('schedules the prune every EVENTS_PRUNE_INTERVAL_MS, and the job deletes old events', async () => {
    const queue = svc.app.get(PruneProcessor).queue;
    const scheduler = await waitFor(() => queue.getJobScheduler(PRUNE_SCHEDULER_ID), { message: 'the prune scheduler' });
    assert.equal(scheduler.every, 500);
    const keep = orgEvent('organization.updated', env, org);
    await seed(svc, [orgEvent('organization.created', env, org, daysAgo(40)), keep]);
    await waitFor(async () => (await countEvents(svc, env)) === 1, { timeoutMs: 15_000, message: 'the scheduled prune' });
    const { body } = await getEvents(svc, env, 'events=organization.created,organization.updated');
    assert.deepEqual(body.data.map((e: { id: string }) => e.id), [keep.id]);
  });
});
