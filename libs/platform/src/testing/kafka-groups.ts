import pino from 'pino';
import type { Kafka } from 'kafkajs';
import { ALL_DOMAIN_TOPICS, INTERNAL_TOPICS } from '@wos/contracts';
import { createKafka } from '../kafka/kafka';

interface TopicEnds {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

/**
 * Commits a NEW consumer group's offsets at the current end of each of `topics` that exists, so
 * a test's consumer reads what is produced from now on, not the shared broker's whole history
 * (which grows with every suite and benchmark run against it). Invariant: the offsets are fixed
 * before the consumer starts, so nothing produced after this call is skipped (unlike a group
 * that resolves "latest" only at its first fetch, after it was already reported ready). Topics
 * that do not exist yet are left alone: the group reads them from their beginning, which is now.
 * The committed offsets are read back and compared, so a seed that did not take fails here.
 * By default every topic a service of ours consumes (the internal ones too: seeding a topic the
 * group never subscribes to is harmless).
 */
export async function startGroupAtTopicEnds(brokers: string[], groupId: string, topics: readonly string[] = [...ALL_DOMAIN_TOPICS, ...INTERNAL_TOPICS]): Promise<void> {
  const kafka = createKafka({ brokers, clientId: 'test-group-seed', logger: pino({ level: 'silent' }) });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ends: TopicEnds[] = await Promise.all(
      topics
        .filter((t) => existing.has(t))
        .map(async (topic) => ({ topic, partitions: (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })) })),
    );
    if (!ends.length) return;
    await commitOnceAsMember(kafka, groupId, ends);
    const committed = await admin.fetchOffsets({ groupId, topics: ends.map((e) => e.topic) });
    const want = new Map(ends.flatMap((e) => e.partitions.map((p) => [`${e.topic}/${p.partition}`, p.offset])));
    const wrong = committed.flatMap((t) => t.partitions.filter((p) => want.get(`${t.topic}/${p.partition}`) !== p.offset).map((p) => `${t.topic}/${p.partition}=${p.offset}`));
    if (wrong.length) throw new Error(`group ${groupId} was not seeded at the topic ends: ${wrong.join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}

/*
 * One membership for every topic (kafkajs's admin.setOffsets joins once per topic and waits out a
 * 5 s fetch each time: ~50 s per group). The consumer joins with its partitions paused, seeks each
 * to its end (a seek commits at the next fetch round) and leaves after that round; a short
 * maxWaitTimeInMs keeps the paused round from idling.
 */
async function commitOnceAsMember(kafka: Kafka, groupId: string, ends: TopicEnds[]): Promise<void> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: ends.map((e) => e.topic), fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.FETCH, () => resolve());
      consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(reject);
      consumer.pause(ends.map((e) => ({ topic: e.topic })));
      for (const e of ends) for (const p of e.partitions) consumer.seek({ topic: e.topic, partition: p.partition, offset: p.offset });
    });
  } finally {
    await consumer.disconnect();
  }
}
