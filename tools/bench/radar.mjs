// Radar benchmark. How to run (after tools/setup.sh and a build):
//   node tools/bench/radar.mjs                     full run (BENCH_SECONDS=10 per phase)
//   BENCH_SECONDS=1 BENCH_WARMUP_SECONDS=1 node tools/bench/radar.mjs   smoke run
// Starts its own stacks (ports +24500, databases wos_bench_radar_*, Redis DB 8) and prints one table:
//   1. createAttempt (POST /radar/attempts) through the gateway at 32 connections   target >= 3,000/s, p99 < 15 ms
//   2. the bare Fastify + pg route doing radar's one INSERT (radar-baseline-server.mjs), same load, same run
//   3. their ratio (req/s)
//   4. password sign-ins with radar assessing them vs a stack without radar, two ways:
//      a. paced: 1 connection, one sign-in every BENCH_LOGIN_PACE_MS (100): the latency a sign-in
//         gets, with what the previous one left running (its outcome report, the events) done   target < 3 ms added at p50
//         (with radar, without it for twice as long, with radar again, on fresh stacks: the mean of
//         the two with-radar p50s against the one without, so a steady drift of the machine cancels)
//      b. closed loop at BENCH_LOGIN_CONNECTIONS (4), back to back: the machine busy, so radar's CPU shows as latency (report)
// Each attempt (built by wrk-writes.lua) comes from its own IP and email so no control fires (the work is the full
// assessment: lists, settings, the Redis windows, the insert and its outbox rows). Never fails on a miss.
// Knobs: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (10: radar's JIT needs more than 3 s), BENCH_CONNECTIONS=32, BENCH_LOGIN_CONNECTIONS=4, BENCH_LOGIN_PACE_MS=100, BENCH_ONLY=attempts,login,
// BENCH_PORT_OFFSET=24500, BENCH_REDIS_URL=redis://127.0.0.1:6379/8, BENCH_REPLICAS=radar=2 (processes per app, as WOS_REPLICAS),
// BENCH_PROFILE=1 (CPU profiles of radar during the createAttempt phase and the sign-ins: .tools/bench-profiles/radar-{attempts,signins}-radar.cpuprofile,
// and of each paced sign-in phase: radar-paced-<phase>-<app>.cpuprofile; BENCH_PROFILE=identity,radar picks the apps;
// summarise with tools/bench/profile-summary.mjs)
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { benchProfiler, benchReplicas, children, formatTable, log, measureCpu, poolLoop, root, routeMeans, routeTimings, runWrk, startServer, stopServer } from './lib.mjs';
import { Api } from './client.mjs';

const require = createRequire(import.meta.url);
const { Stack } = require(join(root, 'libs/platform/dist/stack/index.js'));

const DB_PREFIX = 'wos_bench_radar';
const PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 24500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LOGIN_CONNECTIONS = Number(process.env.BENCH_LOGIN_CONNECTIONS ?? 4);
const LOGIN_PACE_MS = Number(process.env.BENCH_LOGIN_PACE_MS ?? 100);
const PASSWORD = 'benchmark password 1';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const only = new Set((process.env.BENCH_ONLY ?? 'attempts,login').split(','));
const runId = randomBytes(4).toString('hex');
const profiler = benchProfiler(['radar']);
/* The first attempt number of the next wrk phase (each phase numbers its attempts from it; IPs and emails derive from the number). */
let seq = 0;

const load = (baseUrl, connections, seconds, request, paceMs = 0) => poolLoop(baseUrl, connections, seconds, request, undefined, paceMs);

const measure = (label, fn) => measureCpu(label, DB_PREFIX, fn);

function newStack(apps, name) {
  return new Stack({
    root,
    apps,
    portOffset: PORT_OFFSET,
    dbPrefix: `${DB_PREFIX}_${name}`,
    postgresUrl: process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/8',
    internalAuthSecret: randomBytes(32).toString('hex'),
    freshDatabases: true,
    logDir: join(root, '.tools', 'logs', `bench-radar-${name}`),
    replicas: benchReplicas(),
    env: { LOG_LEVEL: 'warn' },
    appEnv: profiler.appEnv({
      identity: { AUTH_EMAIL_LIMIT_PER_MINUTE: '100000000', AUTH_IP_LIMIT_PER_MINUTE: '100000000' },
      // WorkOS's 500 writes/10 s per environment on /user_management/* would answer the faster
      // (radar-less) phase with 429s: the benchmark measures sign-ins, not the limiter.
      'api-gateway': { RATE_LIMIT_RULES: '[]' },
    }),
  });
}

async function environment(stack) {
  const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench radar ${runId}`, '--json']));
  const key = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', created.environment.id, '--name', 'bench', '--rate-limit', '999999999', '--json']));
  return { environmentId: created.environment.id, clientId: created.client_id, apiKey: key.value };
}

const startBaseline = (stack, environmentId, port) =>
  startServer('radar-baseline-server.mjs', { DATABASE_URL: stack.databaseUrl('radar'), POOL_SIZE: '10', PORT: String(port), ENVIRONMENT_ID: environmentId });

/**
 * Password sign-ins, round-robin over seeded users (argon2 dominates; compare p50s): paced (1
 * connection, one per LOGIN_PACE_MS, for `pacedSeconds`), then, when `loaded`, closed loop at
 * LOGIN_CONNECTIONS for SECONDS.
 */
async function signIns(stack, env, label, apps, { pacedSeconds = SECONDS, loaded = true } = {}) {
  const api = new Api(stack.baseUrl, env.apiKey);
  const emails = [];
  for (let i = 0; i < 16; i++) emails.push((await api.expect(201, 'POST', '/user_management/users', { email: `l${i}-${runId}@bench.example.com`, password: PASSWORD })).body.email);
  await api.close();
  let i = 0;
  // Each user signs in from an address of their own, as people do: a new network for every
  // sign-in would make each one a new device, and measure radar's new-device mail instead.
  const request = () => {
    const u = i++ % emails.length;
    return {
      method: 'POST',
      path: '/user_management/authenticate',
      headers: { authorization: `Bearer ${env.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', client_id: env.clientId, email: emails[u], password: PASSWORD, ip_address: `10.99.${u}.1`, user_agent: BROWSER }),
    };
  };
  await load(stack.baseUrl, LOGIN_CONNECTIONS, WARMUP, request);
  const pacedProfile = `radar-paced-${label.replace(/\W+/g, '-')}`;
  await profiler.on(pacedProfile);
  const paced = await measure(`${label}, paced`, () => load(stack.baseUrl, 1, pacedSeconds, request, LOGIN_PACE_MS));
  await profiler.off(pacedProfile);
  if (!loaded) return { paced };
  if (label === 'sign-in with radar') await profiler.on('radar-signins');
  const metrics = (app) => routeTimings(`http://127.0.0.1:${stack.port(app)}/metrics`);
  const before = await Promise.all(apps.map(metrics));
  const result = await measure(label, () => load(stack.baseUrl, LOGIN_CONNECTIONS, SECONDS, request));
  if (label === 'sign-in with radar') await profiler.off('radar-signins');
  // Where a sign-in's time goes, per service (mean server time of each route in the phase).
  const after = await Promise.all(apps.map(metrics));
  apps.forEach((app, i) => routeMeans(before[i], after[i]).forEach((line) => log(`${label}: ${app} ${line}`)));
  return { paced, loaded: result };
}

/** The stack running now (one at a time), stopped on a signal. */
let current;

/** Starts a fresh stack of `apps`, runs `fn` on it, and stops it. */
async function onStack(apps, name, fn) {
  current = newStack(apps, name);
  try {
    log(`starting the stack ${name} radar (${apps.join(', ')})…`);
    await current.start();
    return await fn(current, await environment(current));
  } finally {
    await current.stop();
  }
}

async function main() {
  const rows = [];
  const onSignal = () => {
    for (const child of children) child.kill('SIGTERM');
    void (current?.stop() ?? Promise.resolve()).then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const WITH = ['organizations', 'identity', 'radar'];
  // The paced sign-ins run with radar, without it (twice as long), then with radar again, each
  // on a fresh stack: the machine's speed drifts between stacks started minutes apart (the same
  // code measured with-then-without gave 2.2 to 12.9 ms added, docs/benchmarks.md), and against
  // the mean of the two with-radar phases a drift steady over the run cancels.
  let first;
  let without;
  let second;
  if (only.has('login')) {
    first = await onStack(WITH, 'with', (stack, env) => signIns(stack, env, 'sign-in with radar', ['identity', 'radar']));
    without = await onStack(['organizations', 'identity'], 'without', (stack, env) => signIns(stack, env, 'sign-in without radar', ['identity'], { pacedSeconds: 2 * SECONDS }));
  }
  await onStack(WITH, 'with', async (stack, env) => {
    // Sign-ins first: the createAttempt load leaves thousands of outbox rows for the relay and
    // the events consumer, whose draining would otherwise be measured as radar's sign-in cost.
    if (only.has('login')) second = await signIns(stack, env, 'sign-in with radar, again', ['identity', 'radar'], { loaded: false });
    if (!only.has('attempts')) return;
    // Driven by wrk (wrk-writes.lua), whose Lua builds each attempt's body at a few µs of CPU.
    const attempts = (url, headers, seconds) => {
      const first = seq;
      seq += 1_000_000;
      return runWrk({ url, connections: CONNECTIONS, seconds, headers, luaArgs: ['radar', runId, String(first), '/radar/attempts'], script: 'wrk-writes.lua' });
    };
    const auth = { Authorization: `Bearer ${env.apiKey}` };
    await attempts(stack.baseUrl, auth, WARMUP);
    await profiler.on('radar-attempts');
    const gw = await measure('createAttempt', () => attempts(stack.baseUrl, auth, SECONDS));
    await profiler.off('radar-attempts');
    rows.push({ name: `POST /radar/attempts via gateway (${CONNECTIONS} conn, ${SECONDS} s)`, ...gw, target: '>= 3,000 req/s, p99 < 15 ms', pass: gw.rps >= 3000 && gw.p99 < 15 && gw.errors === 0 });
    const port = PORT_OFFSET + 8091;
    const child = await startBaseline(stack, env.environmentId, port);
    try {
      await attempts(`http://127.0.0.1:${port}`, {}, WARMUP);
      const base = await measure('baseline', () => attempts(`http://127.0.0.1:${port}`, {}, SECONDS));
      rows.push({ name: `baseline: bare Fastify + pg, one INSERT (${CONNECTIONS} conn, ${SECONDS} s)`, ...base, target: 'reference' });
      rows.push({ name: 'createAttempt / baseline (req/s ratio)', ratio: gw.rps / base.rps, target: 'report' });
    } finally {
      await stopServer(child);
    }
  });

  if (only.has('login')) {
    const paced = `1 conn, one per ${LOGIN_PACE_MS} ms`;
    rows.push({ name: `password sign-ins with radar, first (${paced}, ${SECONDS} s)`, ...first.paced, target: '-' });
    rows.push({ name: `password sign-ins without radar (${paced}, ${2 * SECONDS} s, between the two)`, ...without.paced, target: 'reference' });
    rows.push({ name: `password sign-ins with radar, again (${paced}, ${SECONDS} s)`, ...second.paced, target: '-' });
    const withP50 = (first.paced.p50 + second.paced.p50) / 2;
    const added = withP50 - without.paced.p50;
    rows.push({ name: `radar's added p50 latency, paced (mean of the two with-radar p50s): ${added.toFixed(2)} ms`, ratio: withP50 / without.paced.p50, target: '< 3 ms added', pass: added < 3 });
    rows.push({ name: `password sign-ins without radar (${LOGIN_CONNECTIONS} conn, back to back)`, ...without.loaded, target: 'reference' });
    rows.push({ name: `password sign-ins with radar (${LOGIN_CONNECTIONS} conn, back to back)`, ...first.loaded, target: '-' });
    const loadedAdded = first.loaded.p50 - without.loaded.p50;
    rows.push({ name: `radar's added p50 latency, back to back: ${loadedAdded.toFixed(2)} ms`, ratio: first.loaded.p50 / without.loaded.p50, target: 'report' });
  }
  process.stdout.write(`Radar benchmark ${new Date().toISOString()} run ${runId}\n${formatTable(rows)}\n`);
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err}`);
  process.exit(1);
});
