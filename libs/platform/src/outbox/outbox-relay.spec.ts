import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { Consumer, Kafka } from 'kafkajs';
import { createTestDatabase, pgExecutor, testInfra, uniqueSuffix, waitFor, type TestDatabase } from '../testing/testing';
import { createKafka, ensureTopics } from '../kafka/kafka';
import { createLogger } from '../logging/logger';
import { OUTBOX_DDL, appendToOutbox } from './outbox-writer';
import { OutboxRelay } from './outbox-relay';
import { buildEvent } from './build-event';

const org = (id: string) => ({
  object: 'organization' as const, id, name: id, allow_profiles_outside_organization: false, domains: [],
  external_id: null, metadata: {}, created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
});

describe('OutboxRelay (real Postgres and Kafka)', () => {
  const topic = `test.outbox.${uniqueSuffix()}`;
  const logger = createLogger('outbox-test', 'silent');
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

  test('only one relay publishes at a time (advisory lock)', async () => {
    const a = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `lock-${topic}`, pollIntervalMs: 50 });
    const b = new OutboxRelay({ databaseUrl: db.url, kafka, logger, lockName: `lock-${topic}`, pollIntervalMs: 50 });
    a.start();
    await waitFor(() => a.isLeader || undefined);
    b.start();
    try {
      const before = received.length;
      await pg.query('BEGIN');
      await appendToOutbox(pgExecutor(pg), [{ topic, key: 'k3', event: buildEvent('organization.updated', org('org_x'), 'environment_T') }]);
      await pg.query('COMMIT');
      await waitFor(() => received.length > before || undefined, { timeoutMs: 15_000 });
      assert.equal(b.isLeader, false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
