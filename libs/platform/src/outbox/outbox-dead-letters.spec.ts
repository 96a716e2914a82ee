import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Consumer, Kafka } from 'kafkajs';
import { createTestDatabase, pgExecutor, testInfra, uniqueSuffix, waitFor, type TestDatabase } from '../testing/testing';
import { createKafka, ensureTopics } from '../kafka/kafka';
import { createLogger } from '../logging/logger';
import { migrate, PLATFORM_MIGRATIONS_DIR } from '../prisma/migrator';
import { deadLettersGroup } from '../cli/dead-letters.command';
import { runCli } from '../cli/runner';
import { appendToOutbox } from './outbox-writer';
import { OutboxRelay } from './outbox-relay';
import { buildEvent } from './build-event';
import { deadLetterCount, noise, org } from './outbox-spec-helpers';

const SERVICE = 'demo';
/**
 * The outbox's dead letters end to end on a database with the platform's migrations (real
 * Postgres and Kafka): the relay moves a row too large for it to `outbox_dead_letters`, and
 * `wos dead-letters <service> outbox list|show|replay` (the command every service's CLI module
 * adds) lists it and replays it into the outbox, where a relay publishes it.
 */
describe('outbox dead letters and `wos dead-letters <service> outbox` (real Postgres and Kafka)', () => {
  const topic = `test.outbox-dl.${uniqueSuffix()}`;
  const logger = createLogger('outbox-dl-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  let db: TestDatabase;
  let pg: Client;
  let kafka: Kafka;
  let consumer: Consumer;
  const received: string[] = [];

  before(async () => {
    // Only the platform's migrations: the tables every service's database gets.
    db = await createTestDatabase('outbox_dead_letters', PLATFORM_MIGRATIONS_DIR);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    kafka = createKafka({ brokers: testInfra.kafkaBrokers, clientId: 'outbox-dl-test', logger });
    await ensureTopics(kafka, [topic]);
    consumer = kafka.consumer({ groupId: `outbox-dl-test-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push((JSON.parse(message.value!.toString()) as { id: string }).id) });
  });
  after(async () => {
    await consumer?.disconnect();
    await pg?.end();
    await db?.drop();
  });

  /** `wos dead-letters demo outbox <args> --json` against the test database: exit status and parsed output. */
  async function wos(...args: string[]): Promise<{ code: number; out: any; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['dead-letters', SERVICE, 'outbox', ...args, '--json', '--database-url', db.url], [{ service: SERVICE, groups: [deadLettersGroup(SERVICE)] }], {
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
      env: {},
    });
    return { code, out: out.length ? JSON.parse(out.join('\n')) : undefined, err: err.join('\n') };
  }

  const relay = (label: string, maxRecordBytes?: number) =>
    new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `${label}-${topic}`, pollIntervalMs: 50, ...(maxRecordBytes ? { maxRecordBytes } : {}) });

  test('a row too large is moved aside with its error and a metric; the CLI lists and shows it, and replays it once the relay can take it', async () => {
    const metricBefore = await deadLetterCount();
    const [small1, big, small2] = [
      buildEvent('organization.updated', org('org_dl_small_1'), 'environment_T'),
      buildEvent('organization.updated', org('org_dl_big', { blob: noise(8000) }), 'environment_T'),
      buildEvent('organization.updated', org('org_dl_small_2'), 'environment_T'),
    ];
    await appendToOutbox(pgExecutor(pg), [small1, big, small2].map((event) => ({ topic, key: 'dl', event })));

    // A relay whose records may be at most 4,000 bytes: the big row is set aside, the rest go on.
    const strict = relay('strict', 4000);
    strict.start();
    try {
      await waitFor(() => (received.includes(small2.id) ? true : undefined), { timeoutMs: 30_000, message: 'the small rows published past the big one' });
      assert.deepEqual(received, [small1.id, small2.id]);
      const listed = await waitFor(async () => ((await wos('list')).out as any[]).at(0), { message: 'the big row listed' });
      assert.equal(listed.event_id, big.id);
      assert.equal(listed.event_type, 'organization.updated');
      assert.equal(listed.topic, topic);
      assert.match(listed.error, /record of more than 4000 bytes/);
      assert.ok(listed.bytes > 8000, `bytes ${listed.bytes}`);
      assert.equal(listed.replayed_at, null);
      assert.equal(await deadLetterCount(), metricBefore + 1);
      assert.equal((await pg.query('SELECT 1 FROM outbox WHERE event_id = $1', [big.id])).rowCount, 0, 'the row left the outbox');

      const shown = await wos('show', listed.id);
      assert.equal(shown.code, 0, shown.err);
      assert.equal(shown.out.payload.id, big.id);
      assert.equal(shown.out.payload.data.metadata.blob.length, 8000);

      // Replayed before the fix: the same relay sets it aside again, as a new dead letter.
      const early = await wos('replay', listed.id);
      assert.equal(early.code, 1, JSON.stringify(early.out));
      assert.equal(early.out.status, 'dead_lettered_again');
      const [again] = (await wos('list')).out as any[];
      assert.equal(again.id, early.out.dead_letter_id);
      assert.equal(again.event_id, big.id);
      assert.equal(again.seq, early.out.seq, 'the dead letter of the replayed row');
    } finally {
      await strict.stop();
    }

    // The fix: a relay with the default limit (1,000,000 bytes). The replay publishes the row.
    const fixed = relay('fixed');
    fixed.start();
    try {
      const [pending] = (await wos('list')).out as any[];
      const replayed = await wos('replay', pending.id);
      assert.equal(replayed.code, 0, JSON.stringify(replayed.out));
      assert.equal(replayed.out.status, 'published');
      await waitFor(() => (received.includes(big.id) ? true : undefined), { timeoutMs: 30_000, message: 'the replayed row reaches Kafka' });
      assert.deepEqual(received, [small1.id, small2.id, big.id], 'once, after the rows that overtook it');

      assert.deepEqual((await wos('list')).out, [], 'nothing waits any more');
      const history = (await wos('list', '--all')).out as any[];
      assert.equal(history.length, 2);
      assert.ok(history.every((d) => d.replayed_at && d.replayed_seq), JSON.stringify(history));
      const twice = await wos('replay', pending.id);
      assert.equal(twice.code, 0);
      assert.equal(twice.out.status, 'already_replayed');
      assert.equal((await pg.query('SELECT 1 FROM outbox WHERE event_id = $1', [big.id])).rowCount, 1, 'a dead letter is appended at most once');
    } finally {
      await fixed.stop();
    }

    const missing = await wos('show', '999999');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no outbox dead letter 999999/);
    assert.equal((await wos('replay', 'latest')).code, 2, 'a non-numeric ID is a usage error');
  });

  test('the platform migration moves rows an earlier relay marked in place, and a new leader moves any such row it finds', async () => {
    const old = await createTestDatabase('outbox_dead_letters_upgrade');
    const c = new Client({ connectionString: old.url });
    await c.connect();
    try {
      // The outbox as the first platform migration made it, with a row marked in place.
      await c.query(readFileSync(join(PLATFORM_MIGRATIONS_DIR, '20261203060000_platform_outbox_inbox_dead_letters', 'migration.sql'), 'utf8'));
      const marked = buildEvent('organization.updated', org('org_marked'), 'environment_T');
      await c.query(`INSERT INTO outbox (event_id, topic, key, payload, dead_lettered_at, dead_letter_error) VALUES ($1, $2, 'k', $3, now(), 'record of more than 1000000 bytes')`, [marked.id, topic, JSON.stringify(marked)]);
      await migrate(old.url, PLATFORM_MIGRATIONS_DIR);
      const moved = (await c.query('SELECT event_id, error FROM outbox_dead_letters')).rows;
      assert.deepEqual(moved, [{ event_id: marked.id, error: 'record of more than 1000000 bytes' }]);
      assert.equal((await c.query('SELECT 1 FROM outbox')).rowCount, 0);

      // A relay of the previous release marks one during a rolling upgrade: the next leader moves it.
      const late = buildEvent('organization.updated', org('org_marked_late'), 'environment_T');
      await c.query(`INSERT INTO outbox (event_id, topic, key, payload, dead_lettered_at, dead_letter_error) VALUES ($1, $2, 'k', $3, now(), NULL)`, [late.id, topic, JSON.stringify(late)]);
      const leader = new OutboxRelay({ databaseUrl: old.url, kafka, logger, lockName: `upgrade-${topic}`, pollIntervalMs: 50 });
      leader.start();
      try {
        await waitFor(() => (leader.cleanups >= 1 ? true : undefined), { message: "the leader's first cleanup" });
      } finally {
        await leader.stop();
      }
      assert.deepEqual((await c.query('SELECT event_id FROM outbox_dead_letters ORDER BY id')).rows.map((r) => r.event_id), [marked.id, late.id]);
      assert.equal((await c.query('SELECT 1 FROM outbox')).rowCount, 0);
      assert.ok(!received.includes(late.id), 'a row set aside is never published by the sweep');
    } finally {
      await c.end();
      await old.drop();
    }
  });
});
