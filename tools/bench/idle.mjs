// Idle cost of the whole stack: starts every service of the catalogue with the platform's Stack runner, waits
// until every one is ready, lets the startup work settle, then measures a quiet window: CPU in %
// of one core (from /proc/<pid>/stat utime + stime) and resident memory (VmRSS) per service,
// and proportional memory (Pss: each shared page divided among the processes that map it, so the
// sum over processes is the memory the stack really holds; summed RSS counts the node binary and
// Postgres' shared buffers once per process), each service's V8 heap and external memory (its
// /metrics), with Kafka, Postgres (this stack's backends) and Redis apart, and how often each woke
// up (context switches of all its threads per second). Prints one table to stdout.
//
//   node tools/bench/idle.mjs [--seconds 60] [--settle 20] [--shared-kafka] [--node-options '<flags for every service>']
//
// The stack gets a Kafka broker of its own (tools/kafka/start.sh on port 29092 + slot * 10,
// deleted afterwards): on a shared broker its consumers would be busy with other stacks' events
// (every stack's services write the same topics), which is not idle. --shared-kafka uses
// KAFKA_BROKERS instead. Environment: POSTGRES_URL, REDIS_URL (a Redis of its own is best),
// WOS_TEST_SLOT (moves the ports).
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root, log, sleep, recordRows } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Stack, APP_CATALOGUE } = require(join(root, 'libs/platform/dist/stack/index.js'));

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, settle: { type: 'string', default: '20' }, 'shared-kafka': { type: 'boolean', default: false }, 'node-options': { type: 'string' } } });
const SECONDS = Number(values.seconds);
const SETTLE = Number(values.settle);
const TICK = 100; // USER_HZ on Linux
const PAGE_KIB = 4;
const slot = Number(process.env.WOS_TEST_SLOT ?? '0');
// 19500: no e2e file uses it, and every port stays under Linux's ephemeral range (32768+), where a
// client connection's local port could hold the gateway's admin port (9464 + offset) at start.
const PORT_OFFSET = 19500 + slot * 10;
const DB_PREFIX = `wos_idle${slot ? `_s${slot}` : ''}`;
const runId = randomBytes(4).toString('hex');
const KAFKA_PORT = 29092 + slot * 10;
const kafkaEnv = { ...process.env, KAFKA_PORT: String(KAFKA_PORT), KAFKA_CONTROLLER_PORT: String(KAFKA_PORT + 1), KAFKA_DATA_DIR: join(root, '.tools', `kafka-idle-${slot}`) };
delete kafkaEnv.KAFKA_BROKERS;
const kafkaScript = (name) => {
  const r = spawnSync('bash', [join(root, 'tools', 'kafka', name)], { cwd: root, env: kafkaEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tools/kafka/${name}: ${r.stderr || r.stdout}`);
};
const privateKafka = !values['shared-kafka'];

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state ppid … utime(11) stime(12) … rss(21, pages)
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssKib: Number(f[21]) * PAGE_KIB };
  } catch {
    return undefined;
  }
}
/** Proportional set size: resident pages, each shared page divided among the processes mapping it. */
function pssKib(pid) {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
/** Context switches of every thread of a process: how often it woke up. */
function switches(pid) {
  let n = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const m = /voluntary_ctxt_switches:\s+(\d+)\s+nonvoluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
      if (m) n += Number(m[1]) + Number(m[2]);
    }
  } catch {
    // exited
  }
  return n;
}
const cmdline = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** Each process of interest with its group: a service (and its descendants), kafka, postgres, redis. */
function groups(appPids, redisPort) {
  const all = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  const byPid = new Map(all.map((p) => [Number(p), stat(p)]).filter(([, s]) => s));
  const owner = new Map([...appPids].map(([app, pid]) => [pid, app]));
  const groupOf = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = byPid.get(p)?.ppid ?? 0, hops++) if (owner.has(p)) return owner.get(p);
    const cmd = cmdline(pid);
    if (cmd.includes('kafka.Kafka') && (!privateKafka || cmd.includes(`port-${KAFKA_PORT}/`))) return 'kafka';
    if (cmd.startsWith('postgres: ') && cmd.includes(DB_PREFIX)) return 'postgres (this stack)';
    if (cmd.startsWith('redis-server') && cmd.includes(`:${redisPort}`)) return 'redis';
    return undefined;
  };
  const out = new Map();
  for (const [pid, s] of byPid) {
    const g = groupOf(pid);
    if (g) out.set(pid, { group: g, ...s, pssKib: pssKib(pid), switches: switches(pid) });
  }
  return out;
}

function measure(a, b, seconds) {
  const rows = new Map();
  for (const [pid, p] of b) {
    const r = rows.get(p.group) ?? { cpu: 0, rssKib: 0, pssKib: 0, wakeups: 0 };
    r.cpu += ((p.ticks - (a.get(pid)?.ticks ?? p.ticks)) / TICK / seconds) * 100;
    r.wakeups += (p.switches - (a.get(pid)?.switches ?? p.switches)) / seconds;
    r.rssKib += p.rssKib;
    r.pssKib += p.pssKib;
    rows.set(p.group, r);
  }
  return rows;
}

/** Each service's V8 heap (used, total) and external memory in MiB, from its /metrics (prom-client's defaults). */
async function heapsOf(stack) {
  const out = new Map();
  for (const { name } of APP_CATALOGUE) {
    try {
      const text = await (await fetch(`http://127.0.0.1:${stack.port(name)}/metrics`)).text();
      const value = (metric) => Math.round(Number(new RegExp(`^${metric} ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20);
      out.set(name, { heapUsed: value('nodejs_heap_size_used_bytes'), heapTotal: value('nodejs_heap_size_total_bytes'), external: value('nodejs_external_memory_bytes') });
    } catch {
      // not served: the row shows a dash
    }
  }
  return out;
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (privateKafka) {
  log(`starting a Kafka broker of its own on ${KAFKA_PORT}…`);
  kafkaScript('start.sh');
}
const stack = new Stack({
  root,
  portOffset: PORT_OFFSET,
  dbPrefix: DB_PREFIX,
  postgresUrl: process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  kafkaBrokers: privateKafka ? `127.0.0.1:${KAFKA_PORT}` : (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'),
  redisUrl,
  internalAuthSecret: randomBytes(32).toString('hex'),
  freshDatabases: true,
  logDir: join(root, '.tools', 'logs', 'idle'),
  env: { LOG_LEVEL: 'warn', ...(values['node-options'] ? { NODE_OPTIONS: values['node-options'] } : {}) },
  // Groups of their own, so this run never joins (or rebalances) another stack's.
  appEnv: { events: { KAFKA_GROUP_ID: `events-idle-${runId}` }, 'webhook-dispatcher': { KAFKA_GROUP_ID: `webhooks-idle-${runId}` } },
});
process.on('SIGINT', () => void stack.stop().then(() => (privateKafka ? kafkaScript('stop.sh') : undefined)).then(() => process.exit(130)));

try {
  log(`starting the ${APP_CATALOGUE.length} services…`);
  const t0 = Date.now();
  await stack.start();
  log(`all ready after ${((Date.now() - t0) / 1000).toFixed(1)} s; settling ${SETTLE} s`);
  await sleep(SETTLE * 1000);
  const pids = stack.pids();
  const redisPort = new URL(redisUrl).port || '6379';
  const a = groups(pids, redisPort);
  const start = performance.now();
  log(`measuring ${SECONDS} s of idle…`);
  await sleep(SECONDS * 1000);
  const b = groups(pids, redisPort);
  const rows = measure(a, b, (performance.now() - start) / 1000);

  const heaps = await heapsOf(stack);
  // The idle target names the ten services the platform had then; the others are counted too.
  const ten = ['api-gateway', 'identity', 'sso', 'directory-sync', 'organizations', 'audit-logs', 'vault', 'radar', 'events', 'webhook-dispatcher'];

  const services = APP_CATALOGUE.map((x) => x.name);
  const mib = (kib) => (kib / 1024).toFixed(0).padStart(7);
  const heapCells = (h) => (h ? `${String(h.heapUsed).padStart(5)} / ${String(h.heapTotal).padStart(4)} | ${String(h.external).padStart(8)}` : `${'-'.padStart(12)} | ${'-'.padStart(8)}`);
  const line = (name, r, h) => `| ${name.padEnd(22)} | ${r.cpu.toFixed(2).padStart(6)} | ${mib(r.rssKib)} | ${mib(r.pssKib)} | ${heapCells(h)} | ${r.wakeups.toFixed(0).padStart(9)} |`;
  const sum = (names) => names.reduce((t, n) => ({ cpu: t.cpu + (rows.get(n)?.cpu ?? 0), rssKib: t.rssKib + (rows.get(n)?.rssKib ?? 0), pssKib: t.pssKib + (rows.get(n)?.pssKib ?? 0), wakeups: t.wakeups + (rows.get(n)?.wakeups ?? 0) }), { cpu: 0, rssKib: 0, pssKib: 0, wakeups: 0 });
  const out = [
    `| ${'process'.padEnd(22)} | CPU, % | RSS MiB | PSS MiB | JS heap used / total MiB | external MiB | wakeups/s |`,
    `|${'-'.repeat(24)}|-------:|--------:|--------:|-------------:|---------:|----------:|`,
  ];
  for (const n of services) out.push(line(n, rows.get(n) ?? { cpu: NaN, rssKib: NaN, pssKib: NaN, wakeups: NaN }, heaps.get(n)));
  out.push(line(`${services.length} services`, sum(services)));
  out.push(line('the ten of the target', sum(ten)));
  for (const n of ['kafka', 'postgres (this stack)', 'redis']) if (rows.has(n)) out.push(line(n, rows.get(n)));
  out.push(line('whole stack', sum([...rows.keys()])));
  const whole = sum([...rows.keys()]);
  recordRows([
    { name: 'idle: the ten services of the target, CPU % of one core', ratio: sum(ten).cpu, target: '< 2 %', pass: sum(ten).cpu < 2 },
    { name: `idle: all ${services.length} services, CPU % of one core`, ratio: sum(services).cpu, target: 'report' },
    { name: 'idle: whole stack, GiB (sum of PSS)', ratio: whole.pssKib / 2 ** 20, target: '< 2 GB', pass: whole.pssKib * 1024 < 2e9 },
    { name: 'idle: whole stack, GiB (sum of RSS: shared pages once per process)', ratio: whole.rssKib / 2 ** 20, target: 'report' },
  ]);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`Idle window ${SECONDS} s after ${SETTLE} s settling, ${privateKafka ? 'a broker of its own' : 'the shared broker'}; load average ${load}\n${out.join('\n')}`);
} finally {
  await stack.stop();
  if (privateKafka) {
    kafkaScript('stop.sh');
    rmSync(kafkaEnv.KAFKA_DATA_DIR, { recursive: true, force: true });
  }
}
