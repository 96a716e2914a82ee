import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { waitFor } from '@wos/platform/testing';
import { EventsService } from '../src/events/events.service';
import { toNewEvent } from '../src/events/stored-event.dto';
import { getEvents, organization, orgEvent, startTestService, testEnvironmentId, type RunningService } from './support/events-harness';

/*
 * Two consumers (replicas) store chunks concurrently; the first takes its seq values and then
 * commits late. A poller that pages in between must still receive both events (review M5).
 * The late commit is real: a trigger in the events database waits on an advisory lock the test
 * holds, after Postgres filled in the row's seq and before the statement commits.
 */
const GATE = 424242;

describe('GET /events cursors with concurrent inserters', () => {
  let svc: RunningService;
  let sql: Client;
  let gate: Client;
  const env = testEnvironmentId('cursor');

  before(async () => {
    // No consumer: its replay of the shared broker's topics would be more inserters queueing on
    // the same lock, and the counts below must see only A and B.
    svc = await startTestService('cursor', {}, { consume: false });
    sql = new Client({ connectionString: svc.db.url });
    gate = new Client({ connectionString: svc.db.url });
    await sql.connect();
    await gate.connect();
    await sql.query(`
      CREATE FUNCTION hold_slow_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_lock(${GATE}); PERFORM pg_advisory_unlock(${GATE}); RETURN NEW; END $$;
      CREATE TRIGGER hold_slow_event BEFORE INSERT ON events FOR EACH ROW
        WHEN (NEW.payload->'data'->>'name' = 'slow') EXECUTE FUNCTION hold_slow_event();`);
  });

  after(async () => {
    await gate?.end();
    await sql?.end();
    await svc?.close();
  });

  /** Sessions of this database waiting on an advisory lock (the gate, or the insert serialisation). */
  const waitingInserters = async () =>
    (await sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`)).rows[0].n as number;

  test('an event committed late is never skipped by a cursor that moved on meanwhile', async () => {
    const events = svc.app.get(EventsService);
    const slow = orgEvent('organization.updated', env, organization('slow'));
    const fast = orgEvent('organization.updated', env, organization('fast'));
    await gate.query('SELECT pg_advisory_lock($1)', [GATE]);
    // Replica A: takes its seq, then waits (uncommitted) in the trigger.
    const a = events.record([toNewEvent(slow)!]);
    await waitFor(async () => (await waitingInserters()) === 1 || undefined, { message: 'A waiting in the trigger' });
    // Replica B: with the fix it waits for A's commit before taking a seq; without it, it commits first.
    const b = events.record([toNewEvent(fast)!]);
    await waitFor(async () => (await sql.query('SELECT 1 FROM events WHERE id = $1', [fast.id])).rowCount === 1 || (await waitingInserters()) === 2 || undefined, {
      message: 'B stored or waiting',
    });
    // The poller pages now, then follows its cursor after A commits.
    const first = await getEvents(svc, env, 'events=organization.updated&order=asc&limit=10');
    assert.equal(first.status, 200);
    const seen: string[] = first.body.data.map((e: { id: string }) => e.id);
    await gate.query('SELECT pg_advisory_unlock($1)', [GATE]);
    await Promise.all([a, b]);
    const cursor = seen.at(-1);
    const next = await getEvents(svc, env, `events=organization.updated&order=asc&limit=10${cursor ? `&after=${cursor}` : ''}`);
    seen.push(...next.body.data.map((e: { id: string }) => e.id));
    assert.deepEqual(seen, [slow.id, fast.id], 'both events, in seq order, with none skipped');
  });
});
