import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { Consumer, Kafka } from 'kafkajs';
import { createTestDatabase, pgExecutor, testInfra, uniqueSuffix, waitFor, type TestDatabase } from '../testing/testing';
import { createKafka, ensureTopics } from '../kafka/kafka';
import { createLogger } from '../logging/logger';
import { OUTBOX_DDL, appendToOutbox } from './outbox-writer';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { buildEvent } from './build-event';
import { deadLetterCount, noise, org } from './outbox-spec-helpers';

describe('OutboxRelay (real Postgres and Kafka)', () => {
  const topic = `test.outbox.${uniqueSuffix()}`;
  const logger = createLogger('outbox-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  let db: TestDatabase;
  let pg: Client;
  let kafka: Kafka;
  let consumer: Consumer;
  const received: { key: string; id: string; traceparent?: string }[] = [];

  before(async () => {
    db = await createTestDatabase('outbox');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(OUTBOX_DDL);
    kafka = createKafka({ brokers: testInfra.kafkaBrokers, clientId: 'outbox-test', logger });
    await ensureTopics(kafka, [topic]);
    consumer = kafka.consumer({ groupId: `outbox-test-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value!.toString()) as { id: string };
        received.push({ key: message.key!.toString(), id: value.id, traceparent: message.headers?.traceparent?.toString() });
      },
    });
  });

  after(async () => {
    await consumer.disconnect();
    await pg.end();
    await db.drop();
  });

  test('an idle leader (30 s poll) whose session is lost reconnects at once and publishes what was written meanwhile', async () => {
    const relay = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `lost-${topic}` });
    relay.start();
    try {
      await waitFor(() => relay.isLeader || undefined, { message: 'the relay leads' });
      // Written without a NOTIFY: an idle leader would only find it on its 30 s poll.
      const event = buildEvent('organization.created', org('org_lost_session'), 'environment_T');
      await pg.query(`INSERT INTO outbox (event_id, topic, key, payload, headers) VALUES ($1, $2, 'k', $3, '{}')`, [event.id, topic, JSON.stringify(event)]);
      const killed = await pg.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [relay.applicationName]);
      assert.equal(killed.rows[0]?.ok, true, 'the relay session was found and ended');
      await waitFor(() => received.some((r) => r.id === event.id) || undefined, { timeoutMs: 10_000, message: 'the row published well before the 30 s poll' });
    } finally {
      await relay.stop();
    }
  });

  test('publishes committed rows in order and marks them published; rolled-back rows never leave', async () => {
    const events = Array.from({ length: 30 }, (_, i) => buildEvent('organization.created', org(`org_${i}`), 'environment_T'));
    for (const [i, e] of events.entries()) {
      await pg.query('BEGIN');
      await appendToOutbox(pgExecutor(pg), [{ topic, key: i % 2 ? 'k1' : 'k2', event: e }]);
      await pg.query(i === 7 ? 'ROLLBACK' : 'COMMIT');
    }
    const relay = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `test-${topic}`, pollIntervalMs: 50 });
    relay.start();
    try {
      await waitFor(() => received.length >= 29 || undefined, { timeoutMs: 30_000, message: '29 messages' });
      const keyOf = (i: number) => (i % 2 ? 'k1' : 'k2');
      for (const key of ['k1', 'k2']) {
        const want = events.filter((_, i) => i !== 7 && keyOf(i) === key).map((e) => e.id);
        assert.deepEqual(received.filter((r) => r.key === key).map((r) => r.id), want, `order for ${key}`);
      }
      assert.ok(!received.some((r) => r.id === events[7]!.id), 'the rolled-back event was published');
      await waitFor(async () => (await pg.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n === 0 || undefined, {
        message: 'every committed row marked published',
      });
    } finally {
      await relay.stop();
    }
  });

  test('two relays over one database: only the lock holder publishes, and a standby never interleaves with it', async () => {
    const a = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `lock-${topic}`, pollIntervalMs: 20 });
    const b = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `lock-${topic}`, pollIntervalMs: 20 });
    a.start();
    b.start();
    await waitFor(() => a.isLeader || b.isLeader || undefined);
    const events = Array.from({ length: 120 }, (_, i) => buildEvent('organization.updated', org(`org_two_${i}`), 'environment_T'));
    try {
      for (let i = 0; i < events.length; i += 3) await commitBurst('two', events.slice(i, i + 3));
      await waitFor(() => received.filter((r) => r.key === 'two').length >= 120 || undefined, { timeoutMs: 30_000, message: '120 messages' });
      assert.deepEqual(received.filter((r) => r.key === 'two').map((r) => r.id), events.map((e) => e.id), 'in seq order, each once');
      // A relay counts a batch once it has marked it, which may be after the consumer received it.
      await waitFor(() => a.published + b.published >= 120 || undefined, { message: 'the last batch marked published' });
      assert.deepEqual([a.published, b.published].sort((x, y) => x - y), [0, 120], 'exactly one relay published');
      assert.notEqual(a.isLeader, b.isLeader);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('a standby notified of every commit of a busy leader tries the lock at most once per STANDBY_MIN_RETRY_MS', async () => {
    const a = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `standby-${topic}`, pollIntervalMs: 60_000, standbyMinRetryMs: 500 });
    const b = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `standby-${topic}`, pollIntervalMs: 60_000, standbyMinRetryMs: 500 });
    a.start();
    await waitFor(() => a.isLeader || undefined, { message: 'a leads' });
    b.start();
    await waitFor(() => b.lockAttempts >= 1 || undefined, { message: 'b tried the lock' });
    const events: ReturnType<typeof buildEvent>[] = [];
    try {
      // One commit (a NOTIFY to both relays) after another, for two seconds.
      const started = Date.now();
      while (Date.now() - started < 2000) {
        const event = buildEvent('organization.updated', org(`org_standby_${events.length}`), 'environment_T');
        events.push(event);
        await commitBurst('standby', [event]);
      }
      const elapsed = Date.now() - started;
      await waitFor(() => received.filter((r) => r.key === 'standby').length >= events.length || undefined, { timeoutMs: 30_000, message: 'every message' });
      await waitFor(() => a.published >= events.length || undefined, { message: 'the last batch marked published' });
      assert.equal(a.published, events.length);
      assert.equal(b.isLeader, false);
      // The first try, then one per 500 ms floor at most (the loop before the fix retried on every notification).
      assert.ok(b.lockAttempts <= 2 + Math.ceil(elapsed / 500), `standby tried the lock ${b.lockAttempts} times in ${elapsed} ms`);
      assert.ok(b.lockAttempts >= 2, 'notified, the standby did try again before the 60 s poll');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('fencing: when the leader\'s session dies mid-stream, the standby takes over and the first copy of every event still arrives in seq order', async () => {
    const relays = [0, 1].map(() => new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `fence-${topic}`, pollIntervalMs: 20, batchSize: 7 }));
    for (const r of relays) r.start();
    const events = Array.from({ length: 300 }, (_, i) => buildEvent('organization.updated', org(`org_fence_${i}`), 'environment_T'));
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    // The session holding the relays' advisory lock, seen from Postgres (not from the relays' own flags).
    const lockHolder = async () =>
      (
        await admin.query<{ pid: number }>(
          `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = ANY($1)`,
          [relays.map((r) => r.applicationName)],
        )
      ).rows[0]?.pid;
    const leaderSessions = new Set<number>();
    // Postgres ends the leader's session (as a dead network or an idle timeout would): its lock and row locks go with it.
    // Which relay leads next is not part of the contract; that a new session holds the lock is.
    const killLeader = async () => {
      const pid = await waitFor(lockHolder, { message: 'a leader' });
      leaderSessions.add(pid);
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const next = await waitFor(
        async () => {
          const holder = await lockHolder();
          return holder !== undefined && holder !== pid ? holder : undefined;
        },
        { message: 'a new leader session' },
      );
      leaderSessions.add(next);
    };
    try {
      for (let i = 0; i < events.length; i += 5) {
        await commitBurst('fence', events.slice(i, i + 5));
        if (i === 100 || i === 200) await killLeader();
      }
      await waitFor(() => new Set(received.filter((r) => r.key === 'fence').map((r) => r.id)).size >= 300 || undefined, { timeoutMs: 60_000, message: 'all 300 events' });
      const firstCopies = [...new Set(received.filter((r) => r.key === 'fence').map((r) => r.id))];
      assert.deepEqual(firstCopies, events.map((e) => e.id), 'first copies in seq order');
      assert.equal((await pg.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND key = 'fence'`)).rows[0].n, 0);
      assert.ok(leaderSessions.size >= 3, 'the lock passed to a new session after each kill');
    } finally {
      await admin.end();
      for (const r of relays) await r.stop();
    }
  });

  test('fencing: a leader whose session ends while its batch is in flight never marks it published; the next leader re-reads it from the first unpublished row', async () => {
    const events = Array.from({ length: 10 }, (_, i) => buildEvent('organization.updated', org(`org_inflight_${i}`), 'environment_T'));
    await commitBurst('inflight', events);
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    // Observed from `pg`, outside admin's transaction (a transaction sees one snapshot of pg_stat_activity).
    const waitingOnLock = (r: OutboxRelay) =>
      waitFor(async () => (await pg.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [r.applicationName])).rowCount === 1 || undefined, {
        message: `${r.applicationName} blocked marking its batch`,
      });
    const a = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `inflight-${topic}`, pollIntervalMs: 20 });
    const b = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `inflight-${topic}`, pollIntervalMs: 20 });
    try {
      // Hold the relay between "sent to Kafka" and "marked published": a SHARE lock lets it read rows but not mark them.
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE outbox IN SHARE MODE');
      a.start();
      await waitingOnLock(a);
      await waitFor(() => received.filter((r) => r.key === 'inflight').length >= 10 || undefined, { message: 'the batch sent by the first leader' });
      b.start();
      await pg.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [a.applicationName]);
      await waitFor(() => b.isLeader || undefined, { message: 'the standby leads' });
      await waitingOnLock(b);
      await admin.query('COMMIT');
      await waitFor(async () => (await pg.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND key = 'inflight'`)).rows[0].n === 0 || undefined, { message: 'all marked' });
      // The marks are committed before b's UPDATE returns and b counts them.
      await waitFor(() => b.published >= 10 || undefined, { message: 'b counted its marks' });
      assert.equal(a.published, 0, 'the fenced-out leader marked nothing');
      assert.equal(b.published, 10);
      const copies = received.filter((r) => r.key === 'inflight').map((r) => r.id);
      assert.deepEqual([...new Set(copies)], events.map((e) => e.id), 'first copies in seq order');
      assert.deepEqual(copies, [...events, ...events].map((e) => e.id), 'the in-flight batch arrives twice, each time in order');
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined);
      await admin.end();
      await a.stop();
      await b.stop();
    }
  });

  /**
   * Runs `fn` against an outbox of its own (a fresh database, so its history is the test's) with
   * a started relay over it and an admin session; stops and drops everything after.
   */
  async function withOwnOutbox(label: string, options: Partial<OutboxRelayOptions>, fn: (admin: Client, relay: OutboxRelay) => Promise<void>): Promise<void> {
    const own = await createTestDatabase(`outbox_${label}`);
    const admin = new Client({ connectionString: own.url });
    await admin.connect();
    await admin.query(OUTBOX_DDL);
    const relay = new OutboxRelay({ databaseUrl: own.url, kafka, logger, lockName: `${label}-${topic}`, pollIntervalMs: 50, ...options });
    relay.start();
    try {
      await fn(admin, relay);
    } finally {
      await relay.stop();
      await admin.end();
      await own.drop();
    }
  }

  /** Commits `n` events on `key` in one transaction through `pg`, and waits until `relay` has published them. */
  async function publishBurst(pg: Client, relay: OutboxRelay, key: string, n: number): Promise<void> {
    const events = Array.from({ length: n }, (_, i) => buildEvent('organization.updated', org(`org_${key}_${i}`), 'environment_T'));
    const before = relay.published;
    await pg.query('BEGIN');
    await appendToOutbox(pgExecutor(pg), events.map((event) => ({ topic, key, event })));
    await pg.query('COMMIT');
    await waitFor(() => relay.published >= before + n || undefined, { timeoutMs: 30_000, message: `${n} rows published` });
  }

  /** Commits `events` (in order, one key) in one transaction, as a SCIM group push does. */
  async function commitBurst(key: string, events: ReturnType<typeof buildEvent>[]): Promise<void> {
    await pg.query('BEGIN');
    await appendToOutbox(pgExecutor(pg), events.map((event) => ({ topic, key, event })));
    await pg.query('COMMIT');
  }

  test('a relay past its burst of turns waits for the next, so the commits meanwhile leave in one produce request', async () => {
    // One turn a second once a burst of two is spent.
    const relay = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `turns-${topic}`, pollIntervalMs: 60_000, turnsPerSecond: 1, turnBurst: 2 });
    relay.start();
    try {
      await waitFor(() => relay.isLeader || undefined, { message: 'the relay leads' });
      const events = ['a', 'b', 'c', 'd', 'e'].map((x) => buildEvent('organization.updated', org(`org_turns_${x}`), 'environment_T'));
      // Within the burst each commit is published at once, in its own request.
      await commitBurst('turns', [events[0]!]);
      await waitFor(() => relay.published === 1 || undefined, { message: 'the first commit published' });
      await commitBurst('turns', [events[1]!]);
      await waitFor(() => relay.published === 2 || undefined, { intervalMs: 5, message: 'the second commit published' });
      const burstSpentAt = Date.now();
      assert.equal(relay.requests, 2);
      // Three commits, each notifying the relay, while it waits for its next turn.
      for (const event of events.slice(2)) await commitBurst('turns', [event]);
      await waitFor(() => relay.published === 5 || undefined, { timeoutMs: 10_000, message: 'the three commits published' });
      assert.equal(relay.requests, 3, 'the three commits left in one request');
      // The wait is a second less the time between the first two turns (the bucket refilled meanwhile).
      assert.ok(Date.now() - burstSpentAt >= 500, `published ${Date.now() - burstSpentAt} ms after the burst was spent`);
      await waitFor(() => received.filter((r) => r.key === 'turns').length >= 5 || undefined, { message: 'all five received' });
      assert.deepEqual(received.filter((r) => r.key === 'turns').map((r) => r.id), events.map((e) => e.id));
    } finally {
      await relay.stop();
    }
  });

  test('a burst on one key larger than a broker batch reaches Kafka completely and in order (requests are cut by size)', async () => {
    const events = Array.from({ length: 400 }, (_, i) => buildEvent('organization.updated', org(`org_burst_${i}`, { blob: noise(5000) }), 'environment_T'));
    await commitBurst('burst', events);
    const relay = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `burst-${topic}`, pollIntervalMs: 50 });
    relay.start();
    try {
      await waitFor(() => received.filter((r) => r.key === 'burst').length >= 400 || undefined, { timeoutMs: 60_000, message: '400 burst messages' });
      assert.deepEqual(received.filter((r) => r.key === 'burst').map((r) => r.id), events.map((e) => e.id));
    } finally {
      await relay.stop();
    }
  });

  test('a 2 MB event is dead-lettered with its error, and later rows are still published', async () => {
    const before = await deadLetterCount();
    const [small1, huge, small2] = [
      buildEvent('organization.updated', org('org_small_1'), 'environment_T'),
      buildEvent('organization.updated', org('org_huge', { blob: noise(2_000_000) }), 'environment_T'),
      buildEvent('organization.updated', org('org_small_2'), 'environment_T'),
    ];
    await commitBurst('huge', [small1, huge]);
    await commitBurst('huge', [small2]);
    const relay = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `huge-${topic}`, pollIntervalMs: 50 });
    relay.start();
    try {
      await waitFor(() => received.filter((r) => r.key === 'huge').length >= 2 || undefined, { timeoutMs: 30_000, message: 'the small events' });
      // The move commits after Kafka acknowledged the batch, so a consumer can see the events first.
      const row = await waitFor(async () => (await pg.query('SELECT error, payload->>\'id\' AS id FROM outbox_dead_letters WHERE event_id = $1', [huge.id])).rows[0], {
        message: 'the huge row moved to outbox_dead_letters',
      });
      assert.match(row.error, /more than 1000000 bytes/);
      assert.equal(row.id, huge.id, 'the payload moved with it');
      assert.equal((await pg.query('SELECT 1 FROM outbox WHERE event_id = $1', [huge.id])).rowCount, 0, 'and left the outbox');
      assert.deepEqual(received.filter((r) => r.key === 'huge').map((r) => r.id), [small1.id, small2.id]);
      assert.equal(await deadLetterCount(), before + 1);
    } finally {
      await relay.stop();
    }
  });

  test('a record the broker itself refuses as too large is isolated and dead-lettered; the rest of its batch is published in order', async () => {
    const events = [
      ...Array.from({ length: 5 }, (_, i) => buildEvent('organization.updated', org(`org_r_${i}`), 'environment_T')),
      buildEvent('organization.updated', org('org_refused', { blob: noise(1_600_000) }), 'environment_T'),
      ...Array.from({ length: 5 }, (_, i) => buildEvent('organization.updated', org(`org_r_${i + 5}`), 'environment_T')),
    ];
    await commitBurst('refused', events);
    // Limits above the broker's, so only the broker's MESSAGE_TOO_LARGE can find the culprit.
    const relay = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `refused-${topic}`, pollIntervalMs: 50, maxRecordBytes: 10_000_000, maxRequestBytes: 10_000_000 });
    relay.start();
    try {
      await waitFor(() => received.filter((r) => r.key === 'refused').length >= 10 || undefined, { timeoutMs: 30_000, message: 'the 10 small events' });
      assert.deepEqual(received.filter((r) => r.key === 'refused').map((r) => r.id), events.filter((_, i) => i !== 5).map((e) => e.id));
      const row = await waitFor(async () => (await pg.query('SELECT error FROM outbox_dead_letters WHERE event_id = $1', [events[5]!.id])).rows[0], { message: 'the refused row moved' });
      assert.match(row.error, /refused by Kafka/);
    } finally {
      await relay.stop();
    }
  });

  test('the relay\'s statements stay index scans as published rows pile up (no plan cached while the table was empty)', async () => {
    // Postgres caches a generic plan for a named statement after five runs. Planned while the
    // table was small, marking a batch published was a sequential scan, kept while the retained
    // published rows grew (by 24 hours of traffic in production; autovacuum is off here, so no
    // ANALYZE replans it either): every batch then read the whole table.
    await withOwnOutbox('plans', {}, async (admin, relay) => {
      const burst = (n: number) => publishBurst(admin, relay, 'plans', n);
      // Postgres's counters reach pg_stat_user_tables a moment after the statements (at most ~1 s).
      const counters = async (updatedAtLeast: number) =>
        waitFor(async () => {
          const r = (await admin.query<{ upd: string; seq_read: string }>(
            `SELECT n_tup_upd AS upd, coalesce(seq_tup_read, 0) AS seq_read FROM pg_stat_user_tables WHERE relname = 'outbox'`,
          )).rows[0];
          return r && Number(r.upd) >= updatedAtLeast ? Number(r.seq_read) : undefined;
        }, { timeoutMs: 30_000, message: `${updatedAtLeast} rows marked published in the statistics` });
      for (let i = 0; i < 8; i++) await burst(3); // the relay's statements run (and are planned) on a one-page table
      await admin.query(
        `INSERT INTO outbox (event_id, topic, key, payload, published_at) SELECT 'old_' || g, $1, 'plans', '{}', now() FROM generate_series(1, 30000) g`,
        [topic],
      );
      const readBefore = await counters(24);
      for (let i = 0; i < 8; i++) await burst(40);
      const readAfter = await counters(24 + 320);
      // One sequential scan now reads all 30,000 retained rows; eight batches read 240,000.
      assert.ok(readAfter - readBefore < 30_000, `the relay read ${readAfter - readBefore} rows by sequential scans for 8 batches`);
    });
  });

  test('published rows are deleted once older than the retention, by a range of seq rather than a read of the whole table', async () => {
    const retainMs = 2000;
    await withOwnOutbox('cleanup', { retainPublishedMs: retainMs, cleanupIntervalMs: 100 }, async (admin, relay) => {
      const count = async (where: string) => (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE ${where}`)).rows[0]!.n;
      const seqRead = async () => Number((await admin.query<{ n: string }>(`SELECT coalesce(seq_tup_read, 0) AS n FROM pg_stat_user_tables WHERE relname = 'outbox'`)).rows[0]!.n);
      await publishBurst(admin, relay, 'cleanup', 50);
      await waitFor(() => relay.cleanups >= 1 || undefined, { message: 'the takeover cleanup' });
      // The bulk of a real outbox: rows published inside the retention, above every expired row's seq.
      await admin.query(
        `INSERT INTO outbox (event_id, topic, key, payload, published_at) SELECT 'recent_' || g, $1, 'cleanup', '{}', now() + interval '1 day' FROM generate_series(1, 20000) g`,
        [topic],
      );
      // This test's own counts must not read the table by sequential scans: the counter is the relay's.
      await admin.query('SET enable_seqscan = off');
      const before = await seqRead();
      const turnsBefore = relay.cleanups;
      const started = Date.now();
      for (let i = 0; i < 10; i++) await publishBurst(admin, relay, 'cleanup', 10);
      if (Date.now() - started < retainMs / 2) assert.ok((await count('true')) >= 20_100, 'rows inside the retention are kept');
      await waitFor(async () => ((await count(`event_id NOT LIKE 'recent_%'`)) === 0 ? true : undefined), { timeoutMs: 30_000, message: 'every expired row deleted' });
      assert.equal(await count('true'), 20_000, 'the rows inside the retention stay');
      // Each turn that read the whole table would add 20,000 rows, and so would a count of the
      // backlog (every 5 s) by a sequential scan (the counters arrive within ~1 s; most turns are in).
      const turns = relay.cleanups - turnsBefore;
      const read = (await seqRead()) - before;
      assert.ok(turns >= 10, `${turns} cleanup turns`);
      assert.ok(read < 20_000, `${turns} cleanup turns read ${read} rows by sequential scans`);
    });
  });
});
