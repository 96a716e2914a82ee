// Feature-flag runtime benchmark.
//
// How to run (after the build, on a quiet machine):
//   node tools/bench/feature-flags.mjs
// Smoke run:
//   BENCH_FLAGS_SECONDS=1 BENCH_FLAGS_FLAGS=5 BENCH_FLAGS_TARGETS=3 BENCH_FLAGS_STREAMS=10 node tools/bench/feature-flags.mjs
//
// Starts a dedicated stack (gateway and organizations; ports +BENCH_FLAGS_PORT_OFFSET, databases
// wos_bench_flags_*), creates BENCH_FLAGS_FLAGS flags with BENCH_FLAGS_TARGETS targets each through
// the API, then measures, with an API key whose rate limit is lifted:
//   1. GET /sdk/feature-flags with a matching If-None-Match (304, answered from the service's
//      memory) through the gateway, BENCH_FLAGS_CONNECTIONS connections;
//   2. the gateway's bare authenticated route in the same run: GET /organizations/<malformed id>,
//      which passes the same edge (key cache, rate limit, signing, proxy, the service's auth hook)
//      and is refused by the service without a query: the floor any proxied call costs;
//   3. GET /sdk/feature-flags without If-None-Match (the full payload, 200);
//   4. change fan-out: BENCH_FLAGS_STREAMS open SSE streams through the gateway, a flag enabled
//      through the API, the time until each stream has the new payload (p50/p99/max over rounds).
// Prints one table to stdout; progress goes to stderr. It never fails on a missed target.
// Knobs: BENCH_FLAGS_SECONDS (15), BENCH_FLAGS_CONNECTIONS (32), BENCH_FLAGS_FLAGS (50),
// BENCH_FLAGS_TARGETS (20), BENCH_FLAGS_STREAMS (200), BENCH_FLAGS_ROUNDS (10),
// BENCH_FLAGS_PORT_OFFSET (19500).
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';

import { join } from 'node:path';
import { Pool } from 'undici';
import { benchStack, bufferedRequest, children, closedLoop, formatTable, log, summarize } from './lib.mjs';

const PORT_OFFSET = Number(process.env.BENCH_FLAGS_PORT_OFFSET ?? 19_500);
const DB_PREFIX = 'wos_bench_flags';
const SECONDS = Number(process.env.BENCH_FLAGS_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_FLAGS_CONNECTIONS ?? 32);
const FLAGS = Number(process.env.BENCH_FLAGS_FLAGS ?? 50);
const TARGETS = Number(process.env.BENCH_FLAGS_TARGETS ?? 20);
const STREAMS = Number(process.env.BENCH_FLAGS_STREAMS ?? 200);
const ROUNDS = Number(process.env.BENCH_FLAGS_ROUNDS ?? 10);
const runId = randomBytes(4).toString('hex');
const ulid = (n) => String(n).padStart(26, '0');

/** Answers other than `expect` count as errors. */
const load = (name, seconds, connections, expect, fn) =>
  closedLoop(name, { seconds, connections, dbPrefix: DB_PREFIX, groups: ['gateway', 'organizations'], ok: (r) => r.status === expect }, fn);

/** Reads one SSE stream, calling `onPayload(version)` for each `flags` event. */
async function openStream(baseUrl, key, onPayload, signal) {
  const res = await fetch(`${baseUrl}/sdk/feature-flags/stream`, { headers: { authorization: `Bearer ${key}` }, signal });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const id = /^id: (\d+)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (id) onPayload(BigInt(id));
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
}

async function main() {
  const header = [
    `WOS feature-flag runtime benchmark ${new Date().toISOString()}  run ${runId}`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; the load generator shares the cores with the services`,
    `node ${process.version}; ${FLAGS} flags x ${TARGETS} targets, ${CONNECTIONS} connections, ${SECONDS} s per phase, ${STREAMS} streams x ${ROUNDS} changes`,
  ].join('\n');
  log(header.replace(/\n/g, '\n[bench] '));
  const stack = benchStack('flags', {
    apps: ['organizations'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9',
  });
  const rows = [];
  const closers = [];
  try {
    log('starting the stack (gateway, organizations)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench ${runId}`, '--json']));
    const environmentId = created.environment?.id ?? created.environment_id;
    const keyJson = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', environmentId, '--name', 'bench', '--rate-limit', '999999999', '--json']));
    const key = keyJson.value ?? keyJson.api_key;
    const pool = new Pool(stack.baseUrl, { connections: CONNECTIONS, pipelining: 1 });
    closers.push(() => pool.close());
    const call = async (method, path, body, headers = {}) => {
      const res = await bufferedRequest(pool, { method, path, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.statusCode, headers: res.headers, text: res.body.toString('utf8') };
    };

    log(`creating ${FLAGS} flags with ${TARGETS} targets each…`);
    for (let f = 0; f < FLAGS; f++) {
      const r = await call('POST', '/feature-flags', { slug: `bench-${f}`, enabled: f % 2 === 0, tags: ['bench'] });
      if (r.status !== 201) throw new Error(`create answered ${r.status}: ${r.text}`);
      await Promise.all(Array.from({ length: TARGETS }, (_, t) => call('POST', `/feature-flags/bench-${f}/targets/user_${ulid(f * TARGETS + t)}`, {})));
    }
    const full = await call('GET', '/sdk/feature-flags');
    const etag = full.headers.etag;
    if (full.status !== 200 || !etag) throw new Error(`poll answered ${full.status}`);
    log(`payload: ${full.text.length} bytes, ETag ${etag}`);

    const poll304 = () => call('GET', '/sdk/feature-flags', undefined, { 'if-none-match': etag });
    const floor = () => call('GET', '/organizations/not-an-organization-id');
    const pollFull = () => call('GET', '/sdk/feature-flags');
    await load('warm-up', Math.min(3, SECONDS), CONNECTIONS, 304, poll304);
    const r304 = await load(`poll 304 via gateway, ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, 304, poll304);
    rows.push({ ...r304, target: '>= 5,000/s', pass: r304.rps >= 5000 && r304.errors === 0 });
    const rFloor = await load(`bare authenticated route via gateway (404, no query), ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, 404, floor);
    rows.push({ ...rFloor, target: 'baseline' });
    rows.push({ name: 'poll 304 / bare authenticated route', ratio: r304.rps / rFloor.rps, target: '' });
    const r200 = await load(`poll 200 via gateway (${full.text.length} B payload), ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, 200, pollFull);
    rows.push({ ...r200, target: '' });

    log(`opening ${STREAMS} streams through the gateway…`);
    const abort = new AbortController();
    closers.push(() => abort.abort());
    let waiting = null;
    const seen = new Array(STREAMS).fill(0n);
    for (let s = 0; s < STREAMS; s++) {
      await openStream(stack.baseUrl, key, (version) => {
        seen[s] = version;
        waiting?.(s, version);
      }, abort.signal);
    }
    const latencies = [];
    const maxSeen = () => seen.reduce((max, v) => (v > max ? v : max), 0n);
    for (let round = 0; round < ROUNDS; round++) {
      // At rest every stream holds the same version; this environment's next write makes it +1.
      const base = maxSeen();
      const deadline = Date.now() + 10_000;
      while (seen.some((v) => v !== base) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const target = base + 1n;
      const pending = new Set(Array.from({ length: STREAMS }, (_, i) => i));
      const started = performance.now();
      const done = new Promise((resolve) => {
        waiting = (s, version) => {
          if (version < target || !pending.delete(s)) return;
          latencies.push(performance.now() - started);
          if (!pending.size) resolve();
        };
      });
      // bench-0 starts enabled: disable, enable, … so every round is a change.
      const r = await call('PUT', `/feature-flags/bench-0/${round % 2 === 0 ? 'disable' : 'enable'}`, {});
      if (r.status !== 200) throw new Error(`toggle answered ${r.status}: ${r.text}`);
      await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
      if (pending.size) log(`round ${round}: ${pending.size} streams missed the change`);
    }
    waiting = null;
    const fan = summarize(latencies);
    rows.push({ name: `change to ${STREAMS} SSE streams via gateway, ${ROUNDS} changes`, requests: latencies.length, ...fan, target: 'p99 < 1,000 ms', pass: fan.p99 < 1000 && latencies.length === STREAMS * ROUNDS });
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    for (const c of children) c.kill('SIGTERM');
    await stack.stop();
  }
  console.log(header);
  console.log('');
  console.log(formatTable(rows));
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
