import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool } from 'pg';
import type { Kafka, Producer } from 'kafkajs';
import { createTestDatabase, testInfra, uniqueSuffix, waitFor, type TestDatabase } from '../testing/testing';
import { createLogger } from '../logging/logger';
import { buildEvent } from '../outbox/build-event';
import { registry } from '../http/metrics';
import { createKafka, ensureTopics } from './kafka';
import { CONSUMER_MAX_WAIT_MS, EventConsumer, type ConsumedEvent, type EventConsumerOptions } from './event-consumer';
import { CONSUMER_DEAD_LETTERS_DDL, ConsumerDeadLetters } from './dead-letters';
import { runDeadLetterCommand } from './dead-letter-cli';

const org = (id: string) => ({
  object: 'organization' as const, id, name: id, allow_profiles_outside_organization: false, domains: [],
  external_id: null, metadata: {}, created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
});

async function commitMetric(group: string): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'kafka_consumer_offset_commits_total');
  return Number(m?.values.find((v) => v.labels.group === group)?.value ?? 0);
}

async function deadLetterMetric(group: string): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'consumer_dead_letters_total');
  return (m?.values ?? []).filter((v) => v.labels.group === group).reduce((sum, v) => sum + Number(v.value), 0);
}

describe('EventConsumer poison messages (real Kafka and Postgres)', () => {
  const logger = createLogger('consumer-test', 'silent');
  let db: TestDatabase;
  let pool: Pool;
  let kafka: Kafka;
  let producer: Producer;

  before(async () => {
    db = await createTestDatabase('consumer_dlq');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await pool.query(CONSUMER_DEAD_LETTERS_DDL);
    await pool.query('CREATE TABLE applied (seq BIGSERIAL, event_id TEXT PRIMARY KEY, name TEXT NOT NULL)');
    kafka = createKafka({ brokers: testInfra.kafkaBrokers, clientId: 'consumer-test', logger });
    producer = kafka.producer();
    await producer.connect();
  });

  after(async () => {
    await producer.disconnect();
    await pool.end();
    await db.drop();
  });

  /** A consumer whose idempotent handler writes each event's name, failing while `poisoned` says so. */
  function consumerFor(topic: string, group: string, poisoned: (e: ConsumedEvent) => boolean, extra: Pick<EventConsumerOptions, 'wants' | 'skippedCommitMs' | 'fetchDelayMs'> = {}) {
    return new EventConsumer({
      kafka,
      ...extra,
      groupId: group,
      topics: [topic],
      logger,
      deadLetters: new ConsumerDeadLetters(pool),
      maxAttempts: 3,
      retryDelayMs: 10,
      replayPollMs: 100,
      handle: async (events) => {
        if (events.some(poisoned)) throw new Error(`cannot apply ${events.find(poisoned)!.envelope.id}`);
        await pool.query(
          'INSERT INTO applied (event_id, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
          [events.map((e) => e.envelope.id), events.map((e) => String(e.envelope.data.name))],
        );
      },
    });
  }

  async function appliedNames(prefix: string): Promise<string[]> {
    return (await pool.query<{ name: string }>('SELECT name FROM applied WHERE name LIKE $1 ORDER BY seq', [`${prefix}%`])).rows.map((r) => r.name);
  }

  test('a message the handler keeps failing on is bisected out of its chunk and dead-lettered; the rest is applied in order and the partition moves on; replay after the fix applies it exactly once', async () => {
    const topic = `test.dlq.${uniqueSuffix()}`;
    const group = `dlq-${uniqueSuffix()}`;
    await ensureTopics(kafka, [topic], 1);
    const events = Array.from({ length: 20 }, (_, i) => buildEvent('organization.updated', org(`p_${String(i).padStart(2, '0')}`), 'environment_T'));
    const poison = events[7]!;
    let broken = true;
    // All 20 are produced before the consumer starts, so they arrive as one chunk.
    await producer.send({ topic, messages: events.map((e) => ({ key: 'k', value: JSON.stringify(e) })) });
    const before = await deadLetterMetric(group);
    const consumer = consumerFor(topic, group, (e) => broken && e.envelope.id === poison.id);
    await consumer.start();
    try {
      await waitFor(async () => (await appliedNames('p_')).length === 19 || undefined, { timeoutMs: 30_000, message: '19 applied' });
      assert.deepEqual(await appliedNames('p_'), events.filter((e) => e !== poison).map((e) => String(e.data.name)));
      const [dl] = await new ConsumerDeadLetters(pool).list({ group });
      assert.ok(dl, 'one dead letter');
      assert.equal(dl.event_id, poison.id);
      assert.equal(dl.event_type, 'organization.updated');
      assert.equal(dl.topic, topic);
      assert.equal(dl.partition, 0);
      assert.equal(dl.offset, '7');
      assert.equal(dl.attempts, 3);
      assert.match(dl.error, new RegExp(`cannot apply ${poison.id}`));
      assert.equal(await deadLetterMetric(group), before + 1);

      // Later messages are not held back.
      const later = buildEvent('organization.updated', org('p_later'), 'environment_T');
      await producer.send({ topic, messages: [{ key: 'k', value: JSON.stringify(later) }] });
      await waitFor(async () => (await appliedNames('p_later')).length === 1 || undefined, { message: 'the later event' });

      // The CLI's replay waits for this running consumer to apply it.
      const out: string[] = [];
      assert.equal(await runDeadLetterCommand(['replay', dl.id, '--wait-ms', '10000'], db.url, (l) => out.push(l)), 1, 'still broken: the replay fails');
      assert.match(out.join('\n'), /"status": "failed"/);
      broken = false;
      assert.equal(await runDeadLetterCommand(['replay', dl.id, '--wait-ms', '10000'], db.url, (l) => out.push(l)), 0);
      assert.equal((await pool.query('SELECT count(*)::int AS n FROM applied WHERE event_id = $1', [poison.id])).rows[0].n, 1);
      assert.equal(await runDeadLetterCommand(['replay', dl.id], db.url, (l) => out.push(l)), 0);
      assert.match(out.at(-1)!, /already_replayed/);
      assert.equal((await pool.query('SELECT count(*)::int AS n FROM applied WHERE event_id = $1', [poison.id])).rows[0].n, 1);
    } finally {
      await consumer.stop();
    }
    // The offsets were committed past the poison message: a new member of the group gets nothing old.
    const seen: string[] = [];
    const probe = new EventConsumer({ kafka, groupId: group, topics: [topic], logger, handle: async (evs) => void seen.push(...evs.map((e) => e.envelope.id)) });
    await probe.start();
    const marker = buildEvent('organization.updated', org('p_marker'), 'environment_T');
    await producer.send({ topic, messages: [{ key: 'k', value: JSON.stringify(marker) }] });
    try {
      await waitFor(() => seen.includes(marker.id) || undefined, { timeoutMs: 30_000, message: 'the marker' });
      assert.deepEqual(seen, [marker.id]);
    } finally {
      await probe.stop();
    }
  });

  test('a dependency outage is retried for as long as it lasts and never dead-letters the message (more failures than maxAttempts)', async () => {
    const topic = `test.outage.${uniqueSuffix()}`;
    const group = `outage-${uniqueSuffix()}`;
    await ensureTopics(kafka, [topic], 1);
    const event = buildEvent('organization.updated', org('o_outage'), 'environment_T');
    let refusals = 0;
    const consumer = new EventConsumer({
      kafka, groupId: group, topics: [topic], logger, deadLetters: new ConsumerDeadLetters(pool), maxAttempts: 3, retryDelayMs: 10, replayPollMs: 100,
      handle: async (events) => {
        // As pg reports Postgres restarting: seven refusals, more than maxAttempts.
        if (refusals < 7) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', refusal: ++refusals });
        await pool.query('INSERT INTO applied (event_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [events[0]!.envelope.id, String(events[0]!.envelope.data.name)]);
      },
    });
    await producer.send({ topic, messages: [{ key: 'k', value: JSON.stringify(event) }] });
    await consumer.start();
    try {
      await waitFor(async () => (await appliedNames('o_outage')).length === 1 || undefined, { timeoutMs: 30_000, message: 'applied once the outage ended' });
      assert.equal(refusals, 7);
      assert.deepEqual(await new ConsumerDeadLetters(pool).list({ group }), [], 'no dead letter');
    } finally {
      await consumer.stop();
    }
  });

  test('a consumer that wants some types passes the others unvalidated (an invalid one is not its dead letter), and still checks its own, escapes included', async () => {
    const topic = `test.dlq.${uniqueSuffix()}`;
    const group = `dlq-${uniqueSuffix()}`;
    await ensureTopics(kafka, [topic], 1);
    const mine = (name: string) => buildEvent('organization.updated', org(name), 'environment_T');
    const othersInvalid = { ...buildEvent('organization.deleted', org('w_other'), 'environment_T'), created_at: 'yesterday' };
    const backslashU = mine('w_2\\u0000'); // a backslash, then "u0000": text, no NUL
    const loneSurrogate = mine('w_bad\ud800');
    await producer.send({
      topic,
      messages: [mine('w_1'), othersInvalid, backslashU, loneSurrogate, mine('w_3')].map((v) => ({ key: 'k', value: JSON.stringify(v) })),
    });
    const consumer = consumerFor(topic, group, () => false, { wants: (type) => type === 'organization.updated' });
    await consumer.start();
    try {
      await waitFor(async () => (await appliedNames('w_')).length === 3 || undefined, { timeoutMs: 30_000, message: 'the three good events' });
      assert.deepEqual(await appliedNames('w_'), ['w_1', 'w_2\\u0000', 'w_3']);
      const dls = await new ConsumerDeadLetters(pool).list({ group });
      assert.deepEqual(dls.map((d) => d.offset), ['3']);
      assert.match(dls[0]!.error, /unpaired surrogate/);
    } finally {
      await consumer.stop();
    }
  });

  test('messages that are not valid envelopes (not JSON, an impossible created_at, a NUL) are dead-lettered at once, never handed to the handler, and block nothing', async () => {
    const topic = `test.dlq.${uniqueSuffix()}`;
    const group = `dlq-${uniqueSuffix()}`;
    await ensureTopics(kafka, [topic], 1);
    const good = (name: string) => buildEvent('organization.updated', org(name), 'environment_T');
    const [g1, g2] = [good('v_1'), good('v_2')];
    const badDate = { ...good('v_bad_date'), created_at: '2026-02-30T10:00:00.000Z' };
    const noZone = { ...good('v_no_zone'), created_at: 'yesterday' };
    const nul = good('v_nul\u0000');
    await producer.send({
      topic,
      messages: [g1, 'not json', badDate, noZone, nul, g2].map((v) => ({ key: 'k', value: typeof v === 'string' ? v : JSON.stringify(v) })),
    });
    const handled: string[] = [];
    const consumer = consumerFor(topic, group, (e) => (handled.push(String(e.envelope.data.name)), false));
    await consumer.start();
    try {
      await waitFor(async () => (await appliedNames('v_')).length === 2 || undefined, { timeoutMs: 30_000, message: 'the two good events' });
      assert.deepEqual(await appliedNames('v_'), ['v_1', 'v_2']);
      assert.deepEqual(handled, ['v_1', 'v_2']);
      const dls = await new ConsumerDeadLetters(pool).list({ group });
      assert.deepEqual(dls.map((d) => d.offset), ['1', '2', '3', '4']);
      assert.match(dls[0]!.error, /not JSON/);
      assert.match(dls[1]!.error, /created_at/);
      assert.match(dls[2]!.error, /created_at/);
      assert.match(dls[3]!.error, /NUL/);
      assert.ok(dls.every((d) => d.attempts === 0 && d.event_id === null));
      const shown: string[] = [];
      await runDeadLetterCommand(['show', dls[0]!.id], db.url, (l) => shown.push(l));
      assert.equal(JSON.parse(shown[0]!).message_value, 'not json');
    } finally {
      await consumer.stop();
    }
  });

  test('a bulk consumer (fetchDelayMs) takes what was produced meanwhile in one fetch, not one per produce request; a delay out of range fails the start', async () => {
    const topic = `test.bulk.${uniqueSuffix()}`;
    const group = `bulk-${uniqueSuffix()}`;
    await ensureTopics(kafka, [topic], 1);
    // The first fetch goes out on start and the broker holds it for up to 3 s, while the twenty
    // produce requests land (a few ms each): at most two fetches can bring them.
    const consumer = consumerFor(topic, group, () => false, { fetchDelayMs: 3000 });
    await consumer.start();
    try {
      const names = Array.from({ length: 20 }, (_, i) => `b_${String(i).padStart(2, '0')}`);
      for (const name of names) await producer.send({ topic, messages: [{ key: 'k', value: JSON.stringify(buildEvent('organization.updated', org(name), 'environment_T')) }] });
      await waitFor(async () => (await appliedNames('b_')).length === 20 || undefined, { timeoutMs: 30_000, message: 'the twenty events' });
      assert.deepEqual(await appliedNames('b_'), names);
      const chunks = await commitMetric(group);
      assert.ok(chunks >= 1 && chunks <= 2, `twenty produce requests reached the handler in ${chunks} chunks`);
    } finally {
      await consumer.stop();
    }
    for (const fetchDelayMs of [-1, 1.5, CONSUMER_MAX_WAIT_MS + 1]) {
      await assert.rejects(consumerFor(topic, `bulk-${uniqueSuffix()}`, () => false, { fetchDelayMs }).start(), /fetchDelayMs must be an integer/);
    }
  });

  describe('offsets of passed-over messages', () => {
    /** The group's committed offset of partition 0 (-1: none). */
    async function committed(topic: string, group: string): Promise<number> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return Number(t!.partitions[0]!.offset);
      } finally {
        await admin.disconnect();
      }
    }
    const updated = (name: string) => JSON.stringify(buildEvent('organization.updated', org(name), 'environment_T'));
    const deleted = (name: string) => JSON.stringify(buildEvent('organization.deleted', org(name), 'environment_T'));

    test('are committed with the next applied chunk and on stop, not once per batch', async () => {
      const topic = `test.skip.${uniqueSuffix()}`;
      const group = `skip-${uniqueSuffix()}`;
      await ensureTopics(kafka, [topic], 1);
      let passed = 0;
      const consumer = consumerFor(topic, group, () => false, { wants: (type) => type === 'organization.deleted' || (passed++, false), skippedCommitMs: 60_000 });
      await consumer.start();
      try {
        // One message at a time, each read before the next is sent: five batches to pass over.
        for (let i = 1; i <= 5; i++) {
          await producer.send({ topic, messages: [{ key: 'k', value: updated(`s_${i}`) }] });
          await waitFor(() => passed === i || undefined, { timeoutMs: 30_000, message: `message ${i} passed over` });
        }
        assert.equal(await commitMetric(group), 0, 'no commit for five passed-over batches');
        assert.equal(await committed(topic, group), -1);
        await producer.send({ topic, messages: [{ key: 'k', value: deleted('s_applied') }] });
        await waitFor(async () => (await appliedNames('s_applied')).length === 1 || undefined, { timeoutMs: 30_000, message: 'the applied event' });
        await waitFor(async () => (await committed(topic, group)) === 6 || undefined, { timeoutMs: 10_000, message: 'offset 6 committed with the applied event' });
        assert.equal(await commitMetric(group), 1, 'one commit covers the passed-over batches and the applied one');
        await producer.send({ topic, messages: [7, 8, 9].map((i) => ({ key: 'k', value: updated(`s_${i}`) })) });
        await waitFor(() => passed === 8 || undefined, { timeoutMs: 30_000, message: 'three more passed over' });
        assert.equal(await committed(topic, group), 6, 'not committed yet');
      } finally {
        await consumer.stop();
      }
      assert.equal(await committed(topic, group), 9, 'stop commits what was passed over');
    });

    test('are committed by a timer once the topic falls quiet', async () => {
      const topic = `test.skip.${uniqueSuffix()}`;
      const group = `skip-${uniqueSuffix()}`;
      await ensureTopics(kafka, [topic], 1);
      const consumer = consumerFor(topic, group, () => false, { wants: (type) => type === 'organization.deleted', skippedCommitMs: 200 });
      await consumer.start();
      try {
        await producer.send({ topic, messages: [{ key: 'k', value: updated('q_1') }, { key: 'k', value: updated('q_2') }] });
        await waitFor(async () => (await committed(topic, group)) === 2 || undefined, { timeoutMs: 30_000, message: 'the quiet topic\'s offsets committed' });
        assert.deepEqual(await appliedNames('q_'), []);
      } finally {
        await consumer.stop();
      }
    });
  });
});
