// API-key validation benchmark. How to run (after tools/setup.sh and a build):
//   node tools/bench/api-key-validations.mjs                                  full run (BENCH_SECONDS=10 per phase)
//   BENCH_SECONDS=1 BENCH_WARMUP_SECONDS=1 BENCH_KEYS=5 node tools/bench/api-key-validations.mjs   smoke run
// Starts its own stack (gateway, organizations, identity; ports +BENCH_PORT_OFFSET, databases
// wos_bench_apikeys_*) and prints one table, all phases at BENCH_CONNECTIONS through the gateway:
//   1. POST /api_keys/validations with valid keys (round-robin over BENCH_KEYS keys)   target >= 4,000/s
//   1b. the same paced at 4,000/s (each connection one request per 8 ms)             target p99 < 10 ms
//   2. the same with values that are no key (each one a database probe: nothing cached)   reference
//   3. baseline: the gateway's own API-key check, rate limit and routing on a route it answers
//      itself without any service or database (GET /user_management/redirect_uris/_bench → its 404)
//   4. ratio of 1 to 3 (req/s)
// Never fails on a miss. Knobs: BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS=32, BENCH_KEYS=100,
// BENCH_PORT_OFFSET=25000, BENCH_REDIS_URL=redis://127.0.0.1:6379/10.
import { randomBytes } from 'node:crypto';

import { benchStack, formatTable, log, measureCpu, poolLoop, stopOnSignal } from './lib.mjs';
import { Api } from './client.mjs';

const DB_PREFIX = 'wos_bench_apikeys';
const PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 25000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const KEYS = Number(process.env.BENCH_KEYS ?? 100);
/* The rate: >= 4,000 validations/s with p99 < 10 ms. */
const TARGET_RPS = 4000;
const runId = randomBytes(4).toString('hex');

const load = poolLoop;

const measure = (label, fn) => measureCpu(label, DB_PREFIX, fn);

async function main() {
  const stack = benchStack('api-keys', {
    apps: ['organizations', 'identity'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/10',
    // The benchmark measures validations, not the limiter (WorkOS's 6,000/60 s per key would cut it short).
    appEnv: { 'api-gateway': { RATE_LIMIT_RULES: '[]' } },
  });
  stopOnSignal(stack);
  const rows = [];
  try {
    log('starting the stack (gateway, organizations, identity)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench api keys ${runId}`, '--json']));
    const platformKey = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', created.environment.id, '--name', 'bench', '--rate-limit', '999999999', '--json'])).value;
    const api = new Api(stack.baseUrl, platformKey, 8);
    const org = (await api.expect(201, 'POST', '/organizations', { name: `Bench ${runId}` })).body;
    const values = [];
    for (let i = 0; i < KEYS; i++) values.push((await api.expect(201, 'POST', `/organizations/${org.id}/api_keys`, { name: `k${i}` })).body.value);
    await api.close();
    log(`seeded ${values.length} keys`);

    const headers = { authorization: `Bearer ${platformKey}`, 'content-type': 'application/json' };
    let i = 0;
    const valid = () => ({ method: 'POST', path: '/api_keys/validations', headers, body: JSON.stringify({ value: values[i++ % values.length] }) });
    const unknown = () => ({ method: 'POST', path: '/api_keys/validations', headers, body: JSON.stringify({ value: `sk_ak_${randomBytes(32).toString('base64url')}` }) });
    const bare = () => ({ method: 'GET', path: '/user_management/redirect_uris/_bench', headers: { authorization: `Bearer ${platformKey}` } });

    // The baseline route must really authenticate: a wrong key is a 401 there, the right one its 404.
    const probe = new Api(stack.baseUrl, 'sk_test_not_a_key', 1);
    await probe.expect(401, 'GET', '/user_management/redirect_uris/_bench');
    await probe.close();

    await load(stack.baseUrl, CONNECTIONS, WARMUP, valid);
    const v = await measure('validations (valid keys)', () => load(stack.baseUrl, CONNECTIONS, SECONDS, valid));
    rows.push({ name: `POST /api_keys/validations, ${values.length} valid keys (${CONNECTIONS} conn, ${SECONDS} s)`, ...v, target: '>= 4,000 req/s', pass: v.rps >= 4000 && v.errors === 0 });
    // Latency at the target rate: each connection sends one request per CONNECTIONS / 4,000 s.
    const paceMs = (CONNECTIONS * 1000) / TARGET_RPS;
    const p = await measure('validations paced at the target rate', () => load(stack.baseUrl, CONNECTIONS, SECONDS, valid, undefined, paceMs));
    rows.push({ name: `the same, paced at ${TARGET_RPS.toLocaleString('en-US')}/s (${CONNECTIONS} conn, one per ${paceMs} ms each)`, ...p, target: 'p99 < 10 ms at 4,000/s', pass: p.p99 < 10 && p.rps >= TARGET_RPS * 0.95 && p.errors === 0 });
    const u = await measure('validations (unknown values)', () => load(stack.baseUrl, CONNECTIONS, SECONDS, unknown));
    rows.push({ name: `POST /api_keys/validations, unknown values (${CONNECTIONS} conn, ${SECONDS} s)`, ...u, target: 'reference' });
    await load(stack.baseUrl, CONNECTIONS, WARMUP, bare, (s) => s === 404);
    const b = await measure('baseline (gateway key check only)', () => load(stack.baseUrl, CONNECTIONS, SECONDS, bare, (s) => s === 404));
    rows.push({ name: `baseline: gateway API-key check on a route it answers itself (${CONNECTIONS} conn, ${SECONDS} s)`, ...b, target: 'reference' });
    rows.push({ name: 'validations / baseline (req/s ratio)', ratio: v.rps / b.rps, target: 'report' });
  } finally {
    await stack.stop();
  }
  process.stdout.write(`API-key validation benchmark ${new Date().toISOString()} run ${runId}\n${formatTable(rows)}\n`);
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err}`);
  process.exit(1);
});
