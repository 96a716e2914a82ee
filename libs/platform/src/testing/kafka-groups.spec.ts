import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createKafka, ensureTopics } from '../kafka/kafka';
import { testInfra, uniqueSuffix, waitFor } from './testing';
import { startGroupAtTopicEnds } from './kafka-groups';

test('startGroupAtTopicEnds: a seeded group reads only what is produced after the seed, on every partition of every topic (real Kafka)', async () => {
  const kafka = createKafka({ brokers: testInfra.kafkaBrokers, clientId: 'kafka-groups-test', logger: pino({ level: 'silent' }) });
  const suffix = uniqueSuffix();
  const topics = [`test.groups.a.${suffix}`, `test.groups.b.${suffix}`];
  const missing = `test.groups.missing.${suffix}`;
  const groupId = `groups-test-${suffix}`;
  await ensureTopics(kafka, topics);
  const producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const sendEverywhere = async (label: string) => {
      for (const topic of topics) for (const partition of [0, 1, 2]) await producer.send({ topic, messages: [{ value: `${label}-${topic}-${partition}`, partition }] });
    };
    await sendEverywhere('old');
    await sendEverywhere('old');

    await startGroupAtTopicEnds(testInfra.kafkaBrokers, groupId, [...topics, missing]);
    assert.ok(!(await admin.listTopics()).includes(missing), 'a missing topic is skipped, not created');

    await sendEverywhere('new');
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(() => seen.length >= 6 || undefined, { timeoutMs: 30_000, message: 'the six new messages' });
    assert.deepEqual(seen.filter((v) => v.startsWith('old')), [], 'nothing produced before the seed is read');
    assert.equal(new Set(seen).size, 6);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
});
