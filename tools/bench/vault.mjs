// Vault benchmark. How to run (after tools/setup.sh and a build):
//   node tools/bench/vault.mjs                                            full run (BENCH_SECONDS=10 per phase)
//   BENCH_SECONDS=1 BENCH_WARMUP_SECONDS=1 node tools/bench/vault.mjs     smoke run
// Starts its own stack (gateway, organizations, vault; ports +BENCH_PORT_OFFSET, databases
// wos_bench_vault_*) and prints one table:
//   1. createDataKey + decryptDataKey through the gateway: one pair = POST /vault/v1/keys/data-key
//      then POST /vault/v1/keys/decrypt of its blob, BENCH_CONNECTIONS connections of wrk (wrk-writes.lua)
//                                                                              target >= 2,000 pairs/s
//   2. raw AES-256-GCM key wrapping in this process: wrap + unwrap of a 32-byte data key in the
//      vault's own blob format (apps/vault/dist/src/vault-core/key-blob.js), one loop     reference
//   3. ratio of 2 to 1 (how many in-process wraps one gateway pair costs)                  report
//   4. KV read of a 1 KB object through the gateway: GET /vault/v1/kv/:id over BENCH_OBJECTS objects
//                                                                              target >= 2,000/s
//   5. the same reads paced at 2,000/s over the connections (the latency at the target rate)  target p99 < 25 ms
// The anchor these are compared with (HashiCorp Vault transit's published figures) is in docs/benchmarks.md.
// Never fails on a miss. Knobs: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (10), BENCH_CONNECTIONS=32, BENCH_OBJECTS=100,
// BENCH_PORT_OFFSET=25500, BENCH_REDIS_URL=redis://127.0.0.1:6379/11,
// BENCH_PROFILE=vault,gateway (CPU profiles of the pairs and KV-read phases, tools/bench/lib.mjs).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { benchProfiler, benchStack, formatTable, log, measureCpu, poolLoop, root, runWrk, stopOnSignal, summarize } from './lib.mjs';
import { Api } from './client.mjs';

const DB_PREFIX = 'wos_bench_vault';
const PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 25500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100);
/* The KV read rate: the paced phase offers it and measures the latency there. */
const KV_TARGET_RPS = 2000;
const runId = randomBytes(4).toString('hex');
/* BENCH_PROFILE=vault,gateway: CPU profiles of the pairs and of the back-to-back KV reads. */
const profiler = benchProfiler(['vault']);

/** Wrap + unwrap of a data key in-process for `seconds`, in the vault's own blob format (the floor of phase 1). */
function rawWrapping(seconds) {
  const { wrapDataKey, unwrapDataKey } = createRequire(import.meta.url)(join(root, 'apps/vault/dist/src/vault-core/key-blob.js'));
  const kek = randomBytes(32);
  const header = { kekId: '01890000-0000-7000-8000-000000000001', kekVersion: 1, keyId: '01890000-0000-7000-8000-000000000002' };
  const latencies = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      const key = randomBytes(32);
      if (!unwrapDataKey(wrapDataKey(header, kek, key, 'environment_bench'), kek, 'environment_bench').equals(key)) throw new Error('round trip failed');
      latencies.push(performance.now() - t);
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  return { requests: latencies.length, rps: latencies.length / elapsed, errors: 0, ...summarize(latencies) };
}

async function main() {
  const stack = benchStack('vault', {
    apps: ['organizations', 'vault'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/11',
    // The benchmark measures the vault, not the limiter (WorkOS's 6,000/60 s per key would cut it short).
    appEnv: profiler.appEnv({ 'api-gateway': { RATE_LIMIT_RULES: '[]' } }),
  });
  stopOnSignal(stack);
  const rows = [];
  try {
    log('starting the stack (gateway, organizations, vault)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench vault ${runId}`, '--json']));
    const apiKey = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', created.environment.id, '--name', 'bench', '--rate-limit', '999999999', '--json'])).value;
    const api = new Api(stack.baseUrl, apiKey, 8);
    const context = { organization_id: `org_bench_${runId}` };
    const ids = [];
    for (let i = 0; i < OBJECTS; i++) {
      ids.push((await api.expect(201, 'POST', '/vault/v1/kv', { name: `bench-${runId}-${i}`, value: randomBytes(384).toString('base64').slice(0, 1024), key_context: context })).body.id);
    }
    await api.close();
    log(`seeded ${ids.length} objects of 1 KB`);

    // Phase 1: createDataKey, then decryptDataKey of the blob it returned, driven by wrk (wrk-writes.lua).
    const pairs = (seconds) =>
      runWrk({ url: stack.baseUrl, connections: CONNECTIONS, seconds, headers: { Authorization: `Bearer ${apiKey}` }, luaArgs: ['vault-pairs', JSON.stringify(context)], script: 'wrk-writes.lua' });
    await pairs(WARMUP);
    await profiler.on('vault-pairs');
    const dk = await measureCpu('createDataKey + decrypt', DB_PREFIX, () => pairs(SECONDS));
    await profiler.off('vault-pairs');
    rows.push({ ...dk, requests: dk.pairs, rps: dk.pairsPerSecond, name: `createDataKey + decryptDataKey pairs through the gateway (${CONNECTIONS} conn, ${SECONDS} s; latency per request)`, target: '>= 2,000 pairs/s', pass: dk.pairsPerSecond >= 2000 && dk.errors === 0 });

    const raw = await measureCpu('raw AES-GCM wrapping', DB_PREFIX, async () => rawWrapping(SECONDS));
    rows.push({ ...raw, name: `raw AES-256-GCM wrap + unwrap of a data key, in-process (1 loop, ${SECONDS} s)`, target: 'reference' });
    rows.push({ name: 'raw in-process wrapping / data-key pairs through the gateway (how many times the floor)', ratio: raw.rps / dk.rps, target: 'report' });

    // Phase 4: KV reads of 1 KB values, round-robin over the seeded objects.
    let i = 0;
    const read = () => ({ method: 'GET', path: `/vault/v1/kv/${ids[i++ % ids.length]}`, headers: { authorization: `Bearer ${apiKey}` } });
    await poolLoop(stack.baseUrl, CONNECTIONS, WARMUP, read);
    await profiler.on('vault-kv-read');
    const kv = await measureCpu('KV read 1 KB', DB_PREFIX, () => poolLoop(stack.baseUrl, CONNECTIONS, SECONDS, read));
    await profiler.off('vault-kv-read');
    rows.push({ ...kv, name: `GET /vault/v1/kv/:id, 1 KB values, ${ids.length} objects (${CONNECTIONS} conn, ${SECONDS} s)`, target: '>= 2,000 req/s', pass: kv.rps >= 2000 && kv.errors === 0 });
    // The latency at the target rate: the same reads paced at KV_TARGET_RPS over the connections.
    const pacedKv = await measureCpu('KV read 1 KB, paced', DB_PREFIX, () => poolLoop(stack.baseUrl, CONNECTIONS, SECONDS, read, undefined, (CONNECTIONS * 1000) / KV_TARGET_RPS));
    rows.push({ ...pacedKv, name: `GET /vault/v1/kv/:id, 1 KB values, paced at ${KV_TARGET_RPS.toLocaleString('en-US')}/s (${CONNECTIONS} conn, ${SECONDS} s)`, target: 'p99 < 25 ms', pass: pacedKv.p99 < 25 && pacedKv.errors === 0 });
  } finally {
    await stack.stop();
  }
  process.stdout.write(`Vault benchmark ${new Date().toISOString()} run ${runId}\n${formatTable(rows)}\n`);
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err}`);
  process.exit(1);
});
