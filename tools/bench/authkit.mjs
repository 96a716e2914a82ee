// AuthKit benchmark (node tools/bench/authkit.mjs, after tools/setup.sh and a build): starts its
// own stack (gateway, organizations, identity; ports +24000, databases wos_bench_authkit_*,
// Redis DB 7), seeds users and organizations, and prints one table to stdout:
//   1. raw argon2id hashes/s in this process (the service's parameters, 4 at a time on this process's
//      default pool of 4: the machine's bare hash rate, whatever identity's pool size)
//   2. password sign-ins/s through the gateway, and their ratio to (1)        target >= 0.85
//      and the same load against the least a proxied sign-in can do (signin-baseline-server.mjs
//      behind hop-proxy-server.mjs): the ceiling of the ratio on this machine
//   3. refresh-token rotations/s through the gateway (every request spends a live token) target >= 1,000/s
//   4. GET /user_management/users/:id vs GET /organizations/:id through the gateway  target within 20 %
//   and, with (1) and (2), the machine's CPU ms per hash and per sign-in: the signing server's
//   thread pool (the hash, the signature) apart from everything beyond it, per process and thread
// The per-email and per-IP sign-in limits are raised for the run (one client IP, few users);
// the throttle still runs on every sign-in (one Redis round trip). It never fails on a miss.
//   and, with the sign-ins, the store round trips of one sign-in: SQL statements and Redis
//   commands per password sign-in (the services' db_statements_total and redis_commands_total
//   over BENCH_COUNT_SIGNINS sequential sign-ins after one warm pass; deterministic, no timing).
// Knobs: BENCH_SECONDS=10 BENCH_WARMUP_SECONDS=3 BENCH_CONNECTIONS=32 BENCH_LOGIN_CONNECTIONS=8
// BENCH_ONLY=argon2,login,minimal,counts,refresh,get (counts: the round trips alone; login includes them;
//   minimal, with login: the same sign-ins against signin-baseline-server.mjs behind hop-proxy-server.mjs)
// BENCH_COUNT_SIGNINS=32 BENCH_UV_THREADPOOL_SIZE (identity's libuv pool, where its hashes run; unset: the stack's default, libs/platform/src/stack/threadpool.ts)
// BENCH_REPLICAS=identity=2 (processes sharing the port; the counts then read one replica only)
// BENCH_PROFILE=1 or identity,gateway (CPU profiles of the measured sign-in phase: .tools/bench-profiles/login-<app>.cpuprofile)
import { randomBytes } from 'node:crypto';
import { writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { Pool } from 'undici';
import { benchProfiler, benchStack, bufferedRequest, cpuMsPer, cpuSnapshot, cpuSplit, formatTable, log, root, runWrk, startServer, stopOnSignal, stopServer, storeCounters, storeCountsPer } from './lib.mjs';
import { Api } from './client.mjs';

const require = createRequire(import.meta.url);

const DB_PREFIX = 'wos_bench_authkit';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PASSWORD = 'benchmark password 1';
const USERS = 64;
const runId = randomBytes(4).toString('hex');
/* Sign-ins in flight: each spends part of its time outside argon2 (gateway, Postgres, signature), so identity's hashing threads need more than one each. */
const LOGIN_CONNECTIONS = Number(process.env.BENCH_LOGIN_CONNECTIONS ?? 8);
/** The minimal sign-in server's port, and + 1 its proxy's. */
const MINIMAL_PORT = 24000 + 8092;
const COUNT_SIGNINS = Number(process.env.BENCH_COUNT_SIGNINS ?? 32);
const UV_THREADPOOL_SIZE = process.env.BENCH_UV_THREADPOOL_SIZE ? Number(process.env.BENCH_UV_THREADPOOL_SIZE) : undefined;
const only = new Set((process.env.BENCH_ONLY ?? 'argon2,login,minimal,refresh,get').split(','));
if (only.has('login')) only.add('counts');
const files = [];
/** The stack's services whose store round trips a sign-in's count adds up. */
const COUNTED_APPS = ['identity', 'api-gateway', 'organizations'];

function wrk(mode, baseUrl, apiKey, args, { seconds = SECONDS, connections = CONNECTIONS } = {}) {
  return runWrk({ url: baseUrl, connections, seconds, headers: { Authorization: `Bearer ${apiKey}` }, luaArgs: [mode, ...args], script: 'authkit.lua' });
}

async function measure(label, fn) {
  const a = cpuSnapshot(DB_PREFIX);
  const r = await fn();
  const b = cpuSnapshot(DB_PREFIX);
  const split = cpuSplit(a, b);
  const order = ['gateway', 'identity', 'organizations', 'proxy', 'baseline', 'postgres', 'redis', 'kafka', 'wrk', 'bench', 'other'];
  const cpu = `${order.filter((g) => split[g]).map((g) => `${g} ${split[g]}`).join(', ')} (machine ${split.machine}% busy)`;
  log(`${label}: ${JSON.stringify(r)} cpu: ${cpu}`);
  return { ...r, cpu, msPer: r.requests ? cpuMsPer(a, b, r.requests) : undefined };
}

/**
 * Where one sign-in's CPU went, in ms, from /proc during the measured phase: the whole machine,
 * the signing server's thread pool (the argon2id hash, and the token's signature), and the rest
 * by process and, in the server, by thread. `server` is `identity` or the minimal `baseline`.
 */
function cpuPerSignInRow(name, m, server) {
  const f = (v) => (v ?? 0).toFixed(2);
  const pool = m[`${server}.pool`] ?? 0;
  const parts = [`${server} main thread ${f(m[`${server}.main`])}`, `${server} V8 threads ${f(m[`${server}.v8`])}`];
  for (const g of ['gateway', 'proxy', 'postgres', 'organizations', 'redis', 'kafka', 'wrk', 'bench', 'other']) if (m[g] >= 0.005) parts.push(`${g} ${f(m[g])}`);
  return {
    name, ratio: m.all, requests: '', p50: NaN, p99: NaN, max: NaN, errors: '', target: '-',
    cpu: `thread pool ${f(pool)}; beyond it ${f(m.all - pool)}: ${parts.join(', ')}`,
  };
}

/** argon2id hashes/s with the identity service's parameters, `parallel` at a time. */
async function rawArgon2(seconds, parallel, params) {
  const started = performance.now();
  const latencies = [];
  let done = 0;
  const worker = async () => {
    while (performance.now() - started < seconds * 1000) {
      const t = performance.now();
      await hash(PASSWORD, params);
      latencies.push(performance.now() - t);
      done++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: done, rps: done / elapsed, p50: latencies[Math.floor(done * 0.5)], p99: latencies[Math.floor(done * 0.99)], max: latencies.at(-1), errors: 0 };
}

/**
 * Sign-ins against signin-baseline-server.mjs (identity's database and thread-pool size) behind
 * hop-proxy-server.mjs, with the same load as the real ones.
 */
async function minimalSignIns(stack, environmentId, emailsFile, apiKey, clientId) {
  const port = MINIMAL_PORT;
  const server = await startServer('signin-baseline-server.mjs', {
    DATABASE_URL: stack.databaseUrl('identity'),
    ENVIRONMENT_ID: environmentId,
    PORT: String(port),
    UV_THREADPOOL_SIZE: String(stack.appEnv('identity').UV_THREADPOOL_SIZE ?? 4),
  });
  try {
    const proxy = await startServer('hop-proxy-server.mjs', { UPSTREAM: `http://127.0.0.1:${port}`, PORT: String(port + 1) });
    try {
      const url = `http://127.0.0.1:${port + 1}`;
      await wrk('login', url, apiKey, [emailsFile, PASSWORD, clientId], { seconds: WARMUP, connections: LOGIN_CONNECTIONS });
      return await measure('minimal', () => wrk('login', url, apiKey, [emailsFile, PASSWORD, clientId], { connections: LOGIN_CONNECTIONS }));
    } finally {
      await stopServer(proxy);
    }
  } finally {
    await stopServer(server);
  }
}

/** `tokens.length` concurrent refresh chains for `seconds`; any non-200 stops its chain and counts as an error. */
async function refreshChains(baseUrl, apiKey, clientId, tokens, seconds) {
  const pool = new Pool(baseUrl, { connections: tokens.length, pipelining: 1 });
  const started = performance.now();
  const latencies = [];
  let errors = 0;
  const chain = async (token) => {
    while (performance.now() - started < seconds * 1000) {
      const t = performance.now();
      const res = await bufferedRequest(pool, {
        method: 'POST',
        path: '/user_management/authenticate',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'refresh_token', client_id: clientId, refresh_token: token }),
      });
      const body = res.body.toString('utf8');
      latencies.push(performance.now() - t);
      if (res.statusCode !== 200) {
        errors++;
        log(`refresh answered ${res.statusCode}: ${body.slice(0, 200)}`);
        return;
      }
      token = JSON.parse(body).refresh_token;
    }
  };
  await Promise.all(tokens.map(chain));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const n = latencies.length;
  return { requests: n, rps: n / elapsed, p50: latencies[Math.floor(n * 0.5)], p99: latencies[Math.floor(n * 0.99)], max: latencies.at(-1), errors };
}

/**
 * SQL statements and Redis commands per password sign-in through the gateway, read from the
 * services' /metrics around `n` sequential sign-ins. A first pass over the same users fills the
 * per-process caches (settings, flag claims, signing key), as they are under load.
 */
async function signInRoundTrips(stack, api, clientId, emails, n) {
  const signIn = (i) => api.expect(200, 'POST', '/user_management/authenticate', { grant_type: 'password', client_id: clientId, email: emails[i % emails.length], password: PASSWORD });
  for (let i = 0; i < Math.min(n, emails.length); i++) await signIn(i);
  const snapshot = () => Promise.all(COUNTED_APPS.map((a) => storeCounters(`http://127.0.0.1:${stack.port(a)}/metrics`)));
  const before = await snapshot();
  for (let i = 0; i < n; i++) await signIn(i);
  const after = await snapshot();
  return Object.fromEntries(COUNTED_APPS.map((a, i) => [a, storeCountsPer(before[i], after[i], n)]));
}

const fixed = (v) => (!v ? '0' : Number(v).toFixed(2));

/** The two rows of the round-trip counts (value in the req/s column, the split in the CPU column). */
function roundTripRows(c, n) {
  const statements = COUNTED_APPS.reduce((n, a) => n + (c[a].statements.pool ?? 0), 0);
  const redis = COUNTED_APPS.reduce((n, a) => n + c[a].redis, 0);
  return [
    {
      name: `SQL statements per password sign-in (${n} sequential)`,
      ratio: statements, requests: '', p50: NaN, p99: NaN, max: NaN, errors: '', target: '-',
      cpu: `identity ${fixed(c.identity.statements.pool)}, gateway ${fixed(c['api-gateway'].statements.pool)}, organizations ${fixed(c.organizations.statements.pool)} (a fraction: 5-s caches refreshing); besides, outbox relay ${fixed(c.identity.statements.outbox_relay)} (batched: fewer under load)`,
    },
    {
      name: `Redis commands per password sign-in (${n} sequential)`,
      ratio: redis, requests: '', p50: NaN, p99: NaN, max: NaN, errors: '', target: '-',
      cpu: `identity ${fixed(c.identity.redis)}, gateway ${fixed(c['api-gateway'].redis)}, organizations ${fixed(c.organizations.redis)} (a script call is one command; MULTI and EXEC would count)`,
    },
  ];
}

function tmpFile(name, lines) {
  const f = join(root, '.tools', `bench-authkit-${runId}-${name}.txt`);
  writeFileSync(f, lines.join('\n') + '\n');
  files.push(f);
  return f;
}

async function main() {
  const profiler = benchProfiler(['identity']);
  const stack = benchStack('authkit', {
    apps: ['organizations', 'identity'],
    portOffset: 24000,
    dbPrefix: DB_PREFIX,
    redisUrl: 'redis://127.0.0.1:6379/7',
    // No gateway rate-limit rules (the seeding's burst of sign-ups would meet them), and the
    // per-email and per-IP sign-in limits raised: one client, few users. The throttles still run.
    appEnv: profiler.appEnv({ 'api-gateway': { RATE_LIMIT_RULES: '[]' }, identity: { AUTH_EMAIL_LIMIT_PER_MINUTE: '100000000', AUTH_IP_LIMIT_PER_MINUTE: '100000000' } }),
    // BENCH_UV_THREADPOOL_SIZE: identity's libuv pool (the argon2 hashes' threads); unset, the stack's default.
    ...(UV_THREADPOOL_SIZE ? { uvThreadpoolSize: { identity: UV_THREADPOOL_SIZE } } : {}),
  });
  log(`identity's UV_THREADPOOL_SIZE: ${stack.appEnv('identity').UV_THREADPOOL_SIZE ?? "libuv's default (4)"}`);
  stopOnSignal(stack);
  const rows = [];
  const countRows = [];
  try {
    log('starting the stack (gateway, organizations, identity)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench authkit ${runId}`, '--json']));
    const environmentId = created.environment.id;
    const clientId = created.client_id;
    const key = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', environmentId, '--name', 'bench', '--rate-limit', '999999999', '--json']));
    const api = new Api(stack.baseUrl, key.value);
    const identityEnv = stack.appEnv('identity');
    const params = { algorithm: 2, memoryCost: Number(identityEnv.ARGON2_MEMORY_KIB ?? 19456), timeCost: Number(identityEnv.ARGON2_TIME_COST ?? 2), parallelism: 1 };

    log(`seeding ${USERS} users and 100 organizations…`);
    const emails = [];
    const userIds = [];
    for (let i = 0; i < USERS; i += 8) {
      const batch = await Promise.all(Array.from({ length: 8 }, (_, j) => api.expect(201, 'POST', '/user_management/users', { email: `u${i + j}-${runId}@bench.example.com`, password: PASSWORD })));
      for (const r of batch) (emails.push(r.body.email), userIds.push(r.body.id));
    }
    const orgIds = [];
    for (let i = 0; i < 100; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => api.expect(201, 'POST', '/organizations', { name: `bench ${runId} ${i + j}` })));
      orgIds.push(...batch.map((r) => r.body.id));
    }
    const resolvedClient = clientId;
    if (!resolvedClient) throw new Error('no client id in the CLI output');
    const emailsFile = tmpFile('emails', emails);
    const usersFile = tmpFile('users', userIds.map((id) => `/user_management/users/${id}`));
    const orgsFile = tmpFile('orgs', orgIds.map((id) => `/organizations/${id}`));

    if (only.has('counts')) {
      log(`scenario: store round trips of ${COUNT_SIGNINS} sequential password sign-ins`);
      const counts = await signInRoundTrips(stack, api, resolvedClient, emails, COUNT_SIGNINS);
      log(`round trips per sign-in: ${JSON.stringify(counts)}`);
      countRows.push(...roundTripRows(counts, COUNT_SIGNINS));
    }

    if (only.has('argon2') || only.has('login')) {
      log('scenario: raw argon2id in this process');
      const raw = await measure('argon2', () => rawArgon2(SECONDS, 4, params));
      rows.push({ name: `raw argon2id hashes (m=${params.memoryCost} KiB, t=${params.timeCost}, p=1; 4 at a time)`, ...raw, target: 'reference' });

      log('scenario: password sign-ins via the gateway');
      await wrk('login', stack.baseUrl, key.value, [emailsFile, PASSWORD, resolvedClient], { seconds: WARMUP, connections: LOGIN_CONNECTIONS });
      await profiler.on('login');
      const login = await measure('login', () => wrk('login', stack.baseUrl, key.value, [emailsFile, PASSWORD, resolvedClient], { connections: LOGIN_CONNECTIONS }));
      await profiler.off('login');
      rows.push({ name: `POST /user_management/authenticate password (${LOGIN_CONNECTIONS} conn, ${SECONDS} s)`, ...login, target: '-' });
      rows.push({ name: 'sign-ins / raw argon2id', ratio: login.rps / raw.rps, requests: '', p50: NaN, p99: NaN, max: NaN, errors: '', target: '>= 0.85', pass: login.rps / raw.rps >= 0.85 });
      rows.push({ name: 'raw argon2id: CPU ms per hash (the whole machine)', ratio: raw.msPer.all, requests: '', p50: NaN, p99: NaN, max: NaN, errors: '', target: 'reference' });
      rows.push(cpuPerSignInRow('sign-ins: CPU ms per sign-in (the whole machine)', login.msPer, 'identity'));
      if (only.has('minimal')) {
        log('scenario: the minimal proxied sign-in (bare proxy → bare server)');
        const minimal = await minimalSignIns(stack, environmentId, emailsFile, key.value, resolvedClient);
        rows.push({ name: `minimal proxied sign-in: bare proxy → bare server (user read, argon2id verify, session insert, RS256; ${LOGIN_CONNECTIONS} conn, ${SECONDS} s)`, ...minimal, target: 'reference' });
        rows.push({ name: 'minimal proxied sign-in / raw argon2id: the ceiling of a proxied design', ratio: minimal.rps / raw.rps, target: 'reference' });
        rows.push(cpuPerSignInRow('minimal proxied sign-in: CPU ms per sign-in (the whole machine)', minimal.msPer, 'baseline'));
        rows.push({ name: 'sign-ins / minimal proxied sign-in', ratio: login.rps / minimal.rps, target: 'reference' });
      }
    }
    rows.push(...countRows);

    if (only.has('refresh')) {
    log('scenario: refresh-token rotation via the gateway');
    const tokens = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const r = await api.expect(200, 'POST', '/user_management/authenticate', { grant_type: 'password', client_id: resolvedClient, email: emails[i % emails.length], password: PASSWORD });
      tokens.push(r.body.refresh_token);
    }
    // A Node client (undici, keep-alive) runs one chain per connection: each chain waits for its
    // answer and spends the token it got, exactly as a browser session would.
    const refresh = await measure('refresh', () => refreshChains(stack.baseUrl, key.value, resolvedClient, tokens, SECONDS));
    rows.push({ name: `refresh-token rotations (${CONNECTIONS} conn, ${SECONDS} s)`, ...refresh, target: '>= 1,000 req/s', pass: refresh.rps >= 1000 && refresh.errors === 0 });
    }

    if (only.has('get')) {
    log('scenario: GET user vs GET organization via the gateway');
    await wrk('get', stack.baseUrl, key.value, [usersFile], { seconds: WARMUP });
    const getUser = await measure('get-user', () => wrk('get', stack.baseUrl, key.value, [usersFile]));
    await wrk('get', stack.baseUrl, key.value, [orgsFile], { seconds: WARMUP });
    const getOrg = await measure('get-org', () => wrk('get', stack.baseUrl, key.value, [orgsFile]));
    rows.push({ name: `GET /user_management/users/:id via gateway (${CONNECTIONS} conn)`, ...getUser, target: '-' });
    rows.push({ name: `GET /organizations/:id via gateway (${CONNECTIONS} conn)`, ...getOrg, target: '-' });
    rows.push({ name: 'GET user / GET organization', ratio: getUser.rps / getOrg.rps, requests: '', p50: NaN, p99: NaN, max: NaN, errors: '', target: '>= 0.80', pass: getUser.rps / getOrg.rps >= 0.8 });
    }
    await api.close();
  } finally {
    await stack.stop();
    for (const f of files) rmSync(f, { force: true });
  }
  process.stdout.write(`AuthKit benchmark ${new Date().toISOString()} run ${runId}\n${formatTable(rows)}\n`);
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err}`);
  process.exit(1);
});
