// Per-message cost of consuming domain events: the platform's EventConsumer used directly (how
// services consumed before the service kit) against the kit's KafkaEventTransport, which puts
// Nest's @EventPattern dispatch on top of it. Same broker, database, topic, messages and effect
// (rows inserted into a sink table), measured in one process, variants interleaved, median of
// the rounds. Issue 10 bounds the transport's extra cost at 5 %.
// Usage (quiet machine, Kafka and Postgres up, after a build):
//   node tools/bench/consumer-cost.mjs [messages per round, default 20000] [rounds, default 3]
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { spawn } from 'node:child_process';
import { root, log, recordRows } from './lib.mjs';

const require = createRequire(import.meta.url);
const platform = require(join(root, 'libs/platform/dist/index.js'));
const { Controller, Module } = require('@nestjs/common');
const { EventPattern } = require('@nestjs/microservices');
const { bootstrapService, createKafka, createLogger, ensureTopics, ensureDatabase, migrate, EventConsumer, ServiceInfraModule, ALL_EVENTS } = platform;

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const base = new URL(process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
base.pathname = '/wos_bench_consumer';
const databaseUrl = base.toString();
const logger = createLogger('bench', 'error');
const run = Date.now().toString(36);

await ensureDatabase(databaseUrl);
const empty = mkdtempSync(join(tmpdir(), 'bench-'));
await migrate(databaseUrl, empty);
rmSync(empty, { recursive: true, force: true });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
await pool.query('CREATE TABLE IF NOT EXISTS bench_sink (id TEXT PRIMARY KEY, payload JSONB NOT NULL)');

const kafka = createKafka({ brokers, clientId: 'bench-consumer', logger });
const topics = [];
/* Runs the producer in a child process (its CPU is not this process's), and waits for it. */
function produce(topicName, count, prefix) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'tools/bench/produce-events.mjs'), topicName, String(count), prefix], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`producer exited with ${code}`))));
  });
}

/* The effect both variants apply: one multi-row insert per chunk (what the events service does). */
async function sink(chunk) {
  if (!chunk.length) return;
  await pool.query('INSERT INTO bench_sink (id, payload) SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT DO NOTHING', [chunk.map((c) => c.envelope.id), chunk.map((c) => JSON.stringify(c.envelope))]);
}
const stored = async () => (await pool.query('SELECT count(*)::int AS n FROM bench_sink')).rows[0].n;

const until = async (n) => {
  while ((await stored()) < n) await new Promise((r) => setTimeout(r, 20));
};

/*
 * Starts the variant on a fresh topic, waits until it has consumed one warm-up message (it has
 * joined its group and its pipeline is warm), then measures this process's CPU and the wall time
 * from producing N messages (in a child process) to the last one stored.
 */
async function measure(label, start, stop) {
  await pool.query('TRUNCATE bench_sink');
  const topicName = `bench.consumer.${run}.${topics.length}`;
  topics.push(topicName);
  await ensureTopics(kafka, [topicName]);
  const handle = await start(topicName);
  await produce(topicName, 1, 'warmup');
  await until(1);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await produce(topicName, N, 'org');
  await until(N + 1);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  await stop(handle);
  return { label, wallMs, cpuUsPerMessage: (cpu.user + cpu.system) / N };
}

const direct = (round) =>
  measure(
    'EventConsumer, handler called directly',
    async (topicName) => {
      const c = new EventConsumer({ kafka, groupId: `bench-direct-${run}-${round}`, topics: [topicName], logger, handle: sink });
      await c.start();
      return c;
    },
    (c) => c.stop(),
  );

function transportModule(groupId, topicName) {
  class SinkConsumer {
    all(chunk) {
      return sink(chunk);
    }
  }
  EventPattern(ALL_EVENTS, { batch: true })(SinkConsumer.prototype, 'all', Object.getOwnPropertyDescriptor(SinkConsumer.prototype, 'all'));
  Controller()(SinkConsumer);
  class BenchModule {}
  Module({})(BenchModule);
  return {
    module: BenchModule,
    imports: [ServiceInfraModule.forService({ name: 'bench', config: { DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers }, logger, consumer: { groupId, topics: [topicName] } })],
    controllers: [SinkConsumer],
  };
}

const viaTransport = (round) =>
  measure(
    'KafkaEventTransport, @EventPattern batch handler',
    (topicName) => bootstrapService({ name: 'bench', module: transportModule(`bench-transport-${run}-${round}`, topicName), host: '127.0.0.1', port: 0, logger, consumesEvents: true }),
    (app) => app.close(),
  );

const results = { direct: [], transport: [] };
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which goes first, so warm-up and drift do not favour one.
  const order = round % 2 ? [['transport', viaTransport], ['direct', direct]] : [['direct', direct], ['transport', viaTransport]];
  for (const [key, fn] of order) {
    const r = await fn(round);
    results[key].push(r);
    log(`round ${round + 1}: ${r.label}: ${r.wallMs.toFixed(0)} ms, ${r.cpuUsPerMessage.toFixed(1)} µs CPU/message`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (key) => {
  const rs = results[key];
  const cpu = median(rs.map((r) => r.cpuUsPerMessage));
  const wall = median(rs.map((r) => r.wallMs));
  return { cpu, wall, label: rs[0].label };
};
const d = row('direct');
const t = row('transport');
const table = [
  ['variant', 'messages', 'wall (median)', 'msg/s', 'CPU µs/message (median)', 'CPU vs direct'],
  [d.label, N, `${d.wall.toFixed(0)} ms`, Math.round(N / (d.wall / 1000)), d.cpu.toFixed(1), 'reference'],
  [t.label, N, `${t.wall.toFixed(0)} ms`, Math.round(N / (t.wall / 1000)), t.cpu.toFixed(1), `${t.cpu >= d.cpu ? '+' : ''}${(((t.cpu - d.cpu) / d.cpu) * 100).toFixed(1)} %`],
];
recordRows([{ name: 'consumer CPU per message: @EventPattern transport / direct EventConsumer', ratio: t.cpu / d.cpu, target: '<= 1.05', pass: t.cpu / d.cpu <= 1.05 }]);
console.log(table.map((r, i) => `| ${r.join(' | ')} |${i === 0 ? `\n|${r.map(() => '---').join('|')}|` : ''}`).join('\n'));

await pool.end();
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics }).catch(() => undefined);
const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(run));
await admin.deleteGroups(groups).catch(() => undefined);
await admin.disconnect();
process.exit(0);
