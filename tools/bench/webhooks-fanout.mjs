// Webhook fan-out benchmark (issue 3): node tools/bench/webhooks-fanout.mjs (after tools/setup.sh
// and a build of the webhook-dispatcher and the gateway). Runs alone; prints one table.
//
//  1. Starts a stack with the gateway and the webhook-dispatcher, creates an environment and
//     registers 3 endpoints (through the gateway's public API) on a local receiver process that
//     verifies every signature.
//  2. burst:  produces BENCH_EVENTS (10,000) events into Kafka as fast as kafkajs can, then
//     measures deliveries/s from the first produce to the last receipt (events x 3 endpoints).
//  3. paced:  produces BENCH_PACED_EVENTS at BENCH_PACED_RATE events/s (default 500/s, i.e.
//     1,500 deliveries/s) and measures first-attempt latency from commit (Kafka's ack of the
//     produce) to receipt.
//  4. baseline: the same number of deliveries as the burst as a plain loop of signed POSTs
//     (undici, BENCH_BASELINE_CONCURRENCY connections, the dispatcher's default concurrency) to
//     the same receiver, and our throughput as a ratio of it.
//
// The events go to a topic of this run (deleted at the end) that the dispatcher consumes in
// addition to nothing else (WEBHOOK_KAFKA_TOPICS), so 10,000 synthetic events never land in the
// shared domain topics that every other service's tests replay from the beginning. The
// dispatcher's code path is the same as for a domain topic.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import { Pool } from 'undici';
import { bufferedRequest, children, cpuSnapshot, cpuSplit, log, recordRows, root, sleep, summarize, track } from './lib.mjs';

const require = createRequire(import.meta.url);
process.removeAllListeners('warning');
process.on('warning', (w) => w.name !== 'TimeoutNegativeWarning' && log(`warning: ${w.message}`));
const { Stack } = require(join(root, 'libs/platform/dist/stack/index.js'));
const { newId } = require(join(root, 'libs/platform/dist/index.js'));

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const PACED_EVENTS = Number(process.env.BENCH_PACED_EVENTS ?? 5_000);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 500);
const ENDPOINTS = 3;
const CONCURRENCY = Number(process.env.BENCH_BASELINE_CONCURRENCY ?? 200);
const PORT_OFFSET = 21000;
const DB_PREFIX = 'wos_bench_webhooks';
const REDIS_URL = 'redis://127.0.0.1:6379/3';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const runId = randomBytes(4).toString('hex');
const TOPIC = `bench.webhooks.${runId}`;

const stack = new Stack({
  root,
  apps: ['webhook-dispatcher'],
  portOffset: PORT_OFFSET,
  dbPrefix: DB_PREFIX,
  postgresUrl: process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  kafkaBrokers: KAFKA_BROKERS,
  redisUrl: REDIS_URL,
  internalAuthSecret: randomBytes(24).toString('hex'),
  freshDatabases: true,
  logDir: join(root, '.tools', 'bench-logs', 'webhooks'),
  env: { LOG_LEVEL: 'warn', OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED ?? 'true' },
  appEnv: {
    'webhook-dispatcher': {
      KAFKA_GROUP_ID: `bench-webhooks-${runId}`,
      WEBHOOK_KAFKA_TOPICS: TOPIC,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
      // BENCH_PROFILE=1: a CPU profile of the dispatcher in .tools/bench-profiles (profile-summary.mjs reads it).
      ...(process.env.BENCH_PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(root, '.tools', 'bench-profiles')}` } : {}),
    },
  },
});

const kafka = new Kafka({ clientId: `bench-webhooks-${runId}`, brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
let receiverPort = 0;

async function startReceiver() {
  const child = track(spawn(process.execPath, [join(root, 'tools/bench/webhook-receiver.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] }));
  receiverPort = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /listening (\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
  });
  return child;
}

const receiverUrl = (path) => `http://127.0.0.1:${receiverPort}${path}`;
async function receiver(method, path, body) {
  const res = await fetch(receiverUrl(path), { method, body });
  return res.status === 200 ? res.json() : undefined;
}

async function api(apiKey, method, path, body) {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function envelope(environmentId, i, label) {
  const now = new Date().toISOString();
  const id = newId('org');
  return {
    object: 'event',
    id: newId('event'),
    event: 'organization.created',
    data: { object: 'organization', id, name: `${label} ${i}`, allow_profiles_outside_organization: false, domains: [], external_id: null, metadata: {}, created_at: now, updated_at: now },
    created_at: now,
    environment_id: environmentId,
  };
}

/** Sends envelopes in batches; returns eventId -> ack time (epoch ms, sub-ms). */
async function produce(producer, events, batchSize) {
  const acked = new Map();
  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    await producer.send({ topic: TOPIC, acks: -1, compression: CompressionTypes.None, messages: batch.map((e) => ({ key: e.data.id, value: JSON.stringify(e) })) });
    const at = performance.timeOrigin + performance.now();
    for (const e of batch) acked.set(e.id, at);
  }
  return acked;
}

async function waitForReceipts(n, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const s = await receiver('GET', '/stats');
    if (s.received >= n) return s;
    if (Date.now() > deadline) throw new Error(`only ${s.received}/${n} deliveries after ${timeoutMs} ms`);
    if (s.received !== last) log(`  ${s.received}/${n} delivered`);
    last = s.received;
    await sleep(1000);
  }
}

async function burst(producer, environmentId) {
  await receiver('DELETE', '/stats');
  const events = Array.from({ length: EVENTS }, (_, i) => envelope(environmentId, i, `burst ${runId}`));
  const cpu0 = cpuSnapshot(DB_PREFIX);
  const t0 = performance.timeOrigin + performance.now();
  const acked = await produce(producer, events, 500);
  log(`burst: ${EVENTS} events produced in ${Math.round(performance.timeOrigin + performance.now() - t0)} ms`);
  const stats = await waitForReceipts(EVENTS * ENDPOINTS, 600_000);
  const cpu = cpuSplit(cpu0, cpuSnapshot(DB_PREFIX));
  const times = stats.receipts.map((r) => r[2]);
  const last = Math.max(...times);
  const first = Math.min(...times);
  const lat = stats.receipts.map(([, id, at]) => at - acked.get(id));
  return { deliveries: stats.received, invalid: stats.invalid, seconds: (last - t0) / 1000, rps: stats.received / ((last - t0) / 1000), steady: stats.received / ((last - first) / 1000), lat: summarize(lat), dup: stats.received - new Set(stats.receipts.map((r) => `${r[0]} ${r[1]}`)).size, cpu };
}

async function paced(producer, environmentId) {
  await receiver('DELETE', '/stats');
  const events = Array.from({ length: PACED_EVENTS }, (_, i) => envelope(environmentId, i, `paced ${runId}`));
  const perTick = Math.max(1, Math.round(PACED_RATE / 50)); // one small batch every 20 ms
  const acked = new Map();
  const cpu0 = cpuSnapshot(DB_PREFIX);
  const t0 = performance.now();
  for (let i = 0, tick = 0; i < events.length; i += perTick, tick++) {
    const due = t0 + (tick * 1000 * perTick) / PACED_RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    for (const [k, v] of await produce(producer, events.slice(i, i + perTick), perTick)) acked.set(k, v);
  }
  const stats = await waitForReceipts(PACED_EVENTS * ENDPOINTS, 300_000);
  const cpu = cpuSplit(cpu0, cpuSnapshot(DB_PREFIX));
  const lat = stats.receipts.map(([, id, at]) => at - acked.get(id));
  const produceSeconds = (performance.now() - t0) / 1000;
  return { deliveries: stats.received, invalid: stats.invalid, rps: stats.received / produceSeconds, lat: summarize(lat), dup: stats.received - new Set(stats.receipts.map((r) => `${r[0]} ${r[1]}`)).size, cpu };
}

async function baseline(n) {
  await receiver('DELETE', '/stats');
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  await fetch(receiverUrl('/secrets/baseline'), { method: 'PUT', body: secret });
  const pool = new Pool(`http://127.0.0.1:${receiverPort}`, { connections: CONCURRENCY });
  const body = JSON.stringify(envelope('environment_x', 0, 'baseline'));
  let next = 0;
  const lat = [];
  const cpu0 = cpuSnapshot(DB_PREFIX);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next++;
        const t = Date.now();
        const b = body.replace(/"id":"event_[0-9A-Z]{26}"/, `"id":"${newId('event')}"`);
        const sig = `t=${t}, v1=${createHmac('sha256', secret).update(`${t}.${b}`).digest('hex')}`;
        const s = performance.now();
        await bufferedRequest(pool, { method: 'POST', path: '/baseline', headers: { 'content-type': 'application/json', 'workos-signature': sig }, body: b });
        lat.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSplit(cpu0, cpuSnapshot(DB_PREFIX));
  await pool.close();
  const stats = await receiver('GET', '/stats');
  return { deliveries: stats.received, invalid: stats.invalid, rps: n / seconds, lat: summarize(lat), cpu };
}

const fmtMs = (v) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : Math.round(v)} ms` : '-');
const fmtCpu = (c) =>
  `${['webhook-dispatcher', 'bench', 'postgres', 'redis', 'kafka', 'gateway', 'other']
    .filter((g) => c[g])
    .map((g) => `${g === 'webhook-dispatcher' ? 'dispatcher' : g === 'other' ? 'other (incl. receiver)' : g} ${c[g]}`)
    .join(', ')} (machine ${c.machine}%)`;

function table(rows) {
  const head = ['scenario', 'deliveries', 'deliveries/s', 'p50', 'p99', 'max', 'dups', 'bad sig', 'target', 'result', 'CPU, % of one core'];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Mean time per step of the dispatcher's jobs so far (its webhook_attempt_step_seconds histogram), to stderr. */
async function dispatcherSteps(label) {
  const text = await (await fetch(`http://127.0.0.1:${stack.port('webhook-dispatcher')}/metrics`)).text();
  const val = (name, step) => Number(new RegExp(`^${name}\\{step="${step}"\\} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  const parts = ['queued', 'claim', 'send', 'record'].map((s) => `${s} ${((1000 * val('webhook_attempt_step_seconds_sum', s)) / val('webhook_attempt_step_seconds_count', s)).toFixed(1)} ms`);
  log(`${label}: mean per job: ${parts.join(', ')}`);
}

async function main() {
  const receiverProc = await startReceiver();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    log(`starting the stack (gateway + webhook-dispatcher), topic ${TOPIC}`);
    await stack.start();
    const creds = await stack.createEnvironment(`bench-webhooks-${runId}`);
    for (let i = 1; i <= ENDPOINTS; i++) {
      const ep = await api(creds.api_key, 'POST', '/webhook_endpoints', { endpoint_url: receiverUrl(`/ep${i}`), events: ['organization.created'] });
      await fetch(receiverUrl(`/secrets/ep${i}`), { method: 'PUT', body: ep.secret });
    }
    // Warm-up: a few deliveries so connections, JIT and the consumer group are settled.
    await receiver('DELETE', '/stats');
    await produce(producer, Array.from({ length: 50 }, (_, i) => envelope(creds.environment_id, i, 'warmup')), 50);
    await waitForReceipts(50 * ENDPOINTS, 120_000);

    log(`burst: ${EVENTS} events x ${ENDPOINTS} endpoints`);
    const b = await burst(producer, creds.environment_id);
    await dispatcherSteps('burst');
    log(`paced: ${PACED_EVENTS} events at ${PACED_RATE}/s x ${ENDPOINTS} endpoints`);
    const p = await paced(producer, creds.environment_id);
    log(`baseline: ${EVENTS * ENDPOINTS} signed POSTs, ${CONCURRENCY} at a time`);
    const base = await baseline(EVENTS * ENDPOINTS);

    const rows = [
      [`fan-out burst (${EVENTS} events x ${ENDPOINTS})`, b.deliveries, Math.round(b.rps), fmtMs(b.lat.p50), fmtMs(b.lat.p99), fmtMs(b.lat.max), b.dup, b.invalid, '>= 1,500/s', b.rps >= 1500 ? 'pass' : 'MISS', fmtCpu(b.cpu)],
      [`fan-out paced (${PACED_RATE} events/s x ${ENDPOINTS})`, p.deliveries, Math.round(p.rps), fmtMs(p.lat.p50), fmtMs(p.lat.p99), fmtMs(p.lat.max), p.dup, p.invalid, 'p99 < 1 s', p.lat.p99 < 1000 ? 'pass' : 'MISS', fmtCpu(p.cpu)],
      [`baseline: signed POST loop (${CONCURRENCY} conc.)`, base.deliveries, Math.round(base.rps), fmtMs(base.lat.p50), fmtMs(base.lat.p99), fmtMs(base.lat.max), '-', base.invalid, '-', '-', fmtCpu(base.cpu)],
      ['fan-out burst / baseline', '-', (b.rps / base.rps).toFixed(2), '-', '-', '-', '-', '-', '-', '-', ''],
    ];
    recordRows([
      { name: `fan-out burst (${EVENTS} events x ${ENDPOINTS})`, requests: b.deliveries, rps: b.rps, p50: b.lat.p50, p99: b.lat.p99, max: b.lat.max, errors: b.dup + b.invalid, target: '>= 1,500/s', pass: b.rps >= 1500 },
      { name: `fan-out paced (${PACED_RATE} events/s x ${ENDPOINTS})`, requests: p.deliveries, rps: p.rps, p50: p.lat.p50, p99: p.lat.p99, max: p.lat.max, errors: p.dup + p.invalid, target: 'p99 < 1 s', pass: p.lat.p99 < 1000 },
      { name: 'fan-out burst / baseline signed POST loop', ratio: b.rps / base.rps, target: 'report' },
    ]);
    console.log(`WOS webhooks fan-out benchmark ${new Date().toISOString()} run ${runId}`);
    console.log(`latency = Kafka ack of the produce (commit) -> receipt at the receiver, first attempts only (every endpoint answers 200)`);
    console.log(`burst deliveries/s counts from the first produce; between the first and the last receipt it was ${Math.round(b.steady)}/s`);
    console.log(table(rows));
  } finally {
    await producer.disconnect().catch(() => undefined);
    await stack.stop().catch(() => undefined);
    await admin.deleteTopics({ topics: [TOPIC] }).catch(() => undefined);
    await admin.deleteGroups([`bench-webhooks-${runId}`]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    receiverProc.kill('SIGTERM');
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    void stack.stop(0).finally(() => process.exit(130));
  });
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err}`);
  process.exitCode = 1;
});
