import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { Producer } from 'kafkajs';
import { appendToOutbox, createKafka, OutboxRelay, OUTBOX_DDL } from '@wos/platform';
import { createTestDatabase, pgExecutor, testInfra, uniqueSuffix, waitFor, type TestDatabase } from '@wos/platform/testing';
import { organizationSchema, Topic, type EventEnvelope } from '@wos/contracts';
import { listEventsResponseSchema } from '../src/events/events.dto';
import { getEvents, organization, orgEvent, startTestService, testEnvironmentId, testLogger, type RunningService } from './support/events-harness';

describe('outbox → Kafka → events service', () => {
  const env = testEnvironmentId('outbox');
  const types = 'events=organization.created,organization.updated,organization.deleted';
  const logger = testLogger('events-test-producer');
  const kafka = createKafka({ brokers: testInfra.kafkaBrokers, clientId: `events-test-producer-${uniqueSuffix()}`, logger });
  let producerDb: TestDatabase;
  let producerClient: Client;
  let relay: OutboxRelay;
  let producer: Producer;
  let svc: RunningService;
  const org = organization('Acme');

  /** Commits events to the producer's outbox in one transaction, as a producing service would. */
  async function commit(events: EventEnvelope[]): Promise<void> {
    await producerClient.query('BEGIN');
    await appendToOutbox(pgExecutor(producerClient), events.map((event) => ({ topic: Topic.organizations, key: org.id, event })));
    await producerClient.query('COMMIT');
  }

  async function listed(): Promise<EventEnvelope[]> {
    const { status, body } = await getEvents(svc, env, `${types}&limit=100`);
    assert.equal(status, 200);
    return body.data;
  }

  before(async () => {
    producerDb = await createTestDatabase('events_producer');
    producerClient = new Client({ connectionString: producerDb.url });
    await producerClient.connect();
    await producerClient.query(OUTBOX_DDL);
    relay = new OutboxRelay({ databaseUrl: producerDb.url, kafka, logger, lockName: `events-test-${uniqueSuffix()}`, pollIntervalMs: 200 });
    relay.start();
    producer = kafka.producer();
    await producer.connect();
    svc = await startTestService('outbox');
  });

  after(async () => {
    await svc?.close();
    await producer?.disconnect();
    await relay?.stop();
    await producerClient?.end();
    await producerDb?.drop();
  });

  const sent: EventEnvelope[] = [];

  test('events committed to an outbox are listed in commit order with their typed fields', async () => {
    sent.push(orgEvent('organization.created', env, org));
    for (const name of ['Acme 2', 'Acme 3', 'Acme 4']) sent.push(orgEvent('organization.updated', env, { ...org, name }));
    await commit(sent);

    const data = await waitFor(async () => {
      const d = await listed();
      return d.length === sent.length && d;
    }, { timeoutMs: 90_000, intervalMs: 100, message: 'the outbox events to be listed' });

    assert.deepEqual(data.map((e) => e.id), sent.map((e) => e.id));
    const { body } = await getEvents(svc, env, types);
    listEventsResponseSchema.parse(body);
    for (const [i, e] of data.entries()) {
      assert.equal(e.object, 'event');
      assert.equal(e.event, sent[i]!.event);
      assert.equal(e.created_at, sent[i]!.created_at);
      assert.deepEqual(organizationSchema.parse(e.data), sent[i]!.data);
      assert.equal('environment_id' in e, false);
    }
  });

  test('a redelivered event is stored once', async () => {
    const first = sent[0]!;
    // Same key, so the same partition: once the sentinel is listed, the duplicate was consumed.
    await producer.send({ topic: Topic.organizations, acks: -1, messages: [{ key: org.id, value: JSON.stringify(first) }] });
    const sentinel = orgEvent('organization.deleted', env, org);
    await commit([sentinel]);
    const data = await waitFor(async () => {
      const d = await listed();
      return d.some((e) => e.id === sentinel.id) && d;
    }, { timeoutMs: 30_000, message: 'the sentinel event' });

    assert.deepEqual(data.map((e) => e.id), [...sent, sentinel].map((e) => e.id));
    const db = new Client({ connectionString: svc.db.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE id = $1', [first.id]);
      assert.equal(rows[0]!.n, 1);
    } finally {
      await db.end();
    }
  });

  test('an event is visible soon after its transaction commits', async (t) => {
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const e = orgEvent('organization.updated', env, { ...org, name: `Acme latency ${i}` });
      const start = performance.now();
      await commit([e]);
      await waitFor(async () => (await listed()).some((x) => x.id === e.id), { timeoutMs: 10_000, intervalMs: 5 });
      latencies.push(Math.round(performance.now() - start));
    }
    t.diagnostic(`commit → GET /events latency (ms): ${latencies.join(', ')}`);
    assert.ok(Math.max(...latencies) < 10_000);
  });

  test('the service reports ready once it is in its consumer group', async () => {
    const body = await waitFor(async () => {
      const res = await fetch(`${svc.baseUrl}/ready`);
      return res.status === 200 && ((await res.json()) as { checks: Record<string, string> });
    }, { timeoutMs: 30_000, message: 'readiness' });
    assert.deepEqual(body.checks, { postgres: 'ok', 'kafka-consumer': 'ok', redis: 'ok' });
  });
});
