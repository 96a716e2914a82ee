// Produces COUNT organization.updated envelopes to TOPIC, from its own process so that a
// benchmark measuring its own CPU does not count the producer's.
// Usage: node tools/bench/produce-events.mjs TOPIC COUNT [PREFIX]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './lib.mjs';

const { buildEvent, createKafka, createLogger } = createRequire(import.meta.url)(join(root, 'libs/platform/dist/index.js'));
const [topic, countText, prefix = 'org'] = process.argv.slice(2);
const count = Number(countText);
const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'bench-producer', logger: createLogger('bench', 'error') });
const producer = kafka.producer();
await producer.connect();
const now = new Date().toISOString();
const org = (i) => ({ object: 'organization', id: `${prefix}_${i}`, name: `${prefix} ${i}`, allow_profiles_outside_organization: false, domains: [], external_id: null, metadata: {}, created_at: now, updated_at: now });
for (let i = 0; i < count; i += 1000) {
  const batch = Array.from({ length: Math.min(1000, count - i) }, (_, j) => buildEvent('organization.updated', org(i + j), 'environment_bench'));
  await producer.send({ topic, messages: batch.map((e) => ({ key: e.data.id, value: JSON.stringify(e) })) });
}
await producer.disconnect();
