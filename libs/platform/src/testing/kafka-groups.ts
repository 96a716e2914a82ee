import pino from 'pino';
import { ALL_DOMAIN_TOPICS } from '@wos/contracts';
import { createKafka } from '../kafka/kafka';

/**
 * Commits a NEW consumer group's offsets at the current end of each of `topics` that exists, so
 * a test's consumer reads what is produced from now on, not the shared broker's whole history
 * (which grows with every suite and benchmark run against it). Invariant: the offsets are fixed
 * before the consumer starts, so nothing produced after this call is skipped (unlike a group
 * that resolves "latest" only at its first fetch, after it was already reported ready). Topics
 * that do not exist yet are left alone: the group reads them from their beginning, which is now.
 */
export async function startGroupAtTopicEnds(brokers: string[], groupId: string, topics: readonly string[] = ALL_DOMAIN_TOPICS): Promise<void> {
  const admin = createKafka({ brokers, clientId: 'test-group-seed', logger: pino({ level: 'silent' }) }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topics.filter((t) => existing.has(t))) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    }
  } finally {
    await admin.disconnect();
  }
}
