// Audit Logs benchmark (node tools/bench/audit-logs.mjs, after the build; quiet machine only).
// Starts a dedicated stack (gateway, audit-logs; ports +17000, databases wos_bench_audit_*) and
// measures, printing one table to stdout (progress on stderr; it never fails on a missed target):
//   - createEvent through the gateway (each with an Idempotency-Key, as the SDK always sends one), 32 connections of wrk
//     (wrk-writes.lua), spread over 100 organizations, and all into one organization (the chain's
//     head row lock orders one organization's writers);
//   - commit to the SIEM topic: from the 201 to a plain kafkajs consumer reading the event, over
//     BENCH_AUDIT_EVENTS events sent by this script's own client (it must know each 201's time);
//   - the same-run baseline: a bare Fastify + pg route inserting the same row (no chain), and the
//     same route running the service's chained statement (the chain's own cost);
//   - an export of BENCH_AUDIT_EXPORT_EVENTS events of one organization (seeded with SQL, the
//     chain computed by tools/bench side code with the service's own chain functions) to
//     `ready`, the service's peak RSS during it, then the offline verifier on it.
// Knobs: BENCH_SECONDS (10 per wrk phase), BENCH_WARMUP_SECONDS (10), BENCH_AUDIT_EVENTS (5000 in the SIEM phase), BENCH_AUDIT_CONNECTIONS (32), BENCH_REPLICAS=audit-logs=2,
// BENCH_AUDIT_EXPORT_EVENTS (1000000; 0 skips the export), BENCH_PROFILE=1 (a CPU profile of
// audit-logs during the 100-organization ingest: .tools/bench-profiles/ingest-audit-logs.cpuprofile,
// summarise with tools/bench/profile-summary.mjs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { Pool } from 'undici';
import { benchDir, benchProfiler, benchReplicas, bufferedRequest, children, cpuSnapshot, cpuSplit, formatTable, log, root, run, runWrk, sleep, summarize, track } from './lib.mjs';
import { Api } from './client.mjs';

const require = createRequire(import.meta.url);
const { Stack } = require(join(root, 'libs/platform/dist/stack/index.js'));
const { newId } = require(join(root, 'libs/platform/dist/index.js'));
const chain = require(join(root, 'apps/audit-logs/dist/src/audit-core/chain.js'));
const { eventCells } = require(join(root, 'apps/audit-logs/dist/src/audit-core/export-csv.js'));

const PORT_OFFSET = 17000;
const DB_PREFIX = 'wos_bench_audit';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 5_000);
const CONNECTIONS = Number(process.env.BENCH_AUDIT_CONNECTIONS ?? 32);
const EXPORT_EVENTS = Number(process.env.BENCH_AUDIT_EXPORT_EVENTS ?? 1_000_000);
const ORGS = 100;
const runId = randomBytes(4).toString('hex');
const profiler = benchProfiler(['audit-logs']);
const KAFKA = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

const body = (org, i) => ({
  organization_id: org,
  event: {
    action: 'document.updated',
    occurred_at: new Date().toISOString(),
    version: 1,
    actor: { id: `user_${i % 997}`, type: 'user', name: 'Jon Smith', metadata: { role: 'admin' } },
    targets: [{ id: `doc_${i}`, type: 'document', name: 'Q3 plan' }],
    context: { location: '203.0.113.7', user_agent: 'Mozilla/5.0 (bench)' },
    metadata: { bench: `${runId}-${i}` },
  },
});

/** `count` POSTs with CONNECTIONS workers; the ack time of each `bench` marker for the SIEM latency. */
async function ingest(name, count, send, acks) {
  const latencies = [];
  let next = 0;
  let errors = 0;
  let firstError;
  const a = cpuSnapshot(DB_PREFIX);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        const r = await send(i);
        const done = performance.now();
        latencies.push(done - t);
        acks?.set(`${runId}-${i}`, Date.now());
        if (r.status !== 201) {
          errors++;
          firstError ??= `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const split = cpuSplit(a, cpuSnapshot(DB_PREFIX));
  const cpu = ['gateway', 'audit-logs', 'baseline', 'postgres', 'kafka', 'bench', 'other'].filter((g) => split[g]).map((g) => `${g} ${split[g]}`).join(', ') + ` (machine ${split.machine}% busy)`;
  if (firstError) log(`${name}: ${errors} errors, first: ${firstError}`);
  log(`${name}: ${count} in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)}/s) cpu: ${cpu}`);
  return { name, requests: count, rps: count / seconds, errors, ...summarize(latencies), cpu };
}

/**
 * One wrk phase of createEvent-shaped POSTs to `path` on `url`, organizations in turn from
 * `orgsFile`, for `seconds`; events are numbered from `first` (their Idempotency-Keys unique).
 */
async function wrkPhase(name, { url, headers = {}, orgsFile, path, first, seconds = SECONDS }) {
  const a = cpuSnapshot(DB_PREFIX);
  const r = await runWrk({ url, connections: CONNECTIONS, seconds, headers, luaArgs: ['audit', runId, orgsFile, String(first), path], script: 'wrk-writes.lua' });
  const split = cpuSplit(a, cpuSnapshot(DB_PREFIX));
  const cpu = ['gateway', 'audit-logs', 'baseline', 'postgres', 'kafka', 'wrk', 'bench', 'other'].filter((g) => split[g]).map((g) => `${g} ${split[g]}`).join(', ') + ` (machine ${split.machine}% busy)`;
  log(`${name}: ${r.requests} in ${seconds} s (${r.rps.toFixed(0)}/s), ${r.errors} errors; cpu: ${cpu}`);
  return { name, ...r, cpu };
}

class Http {
  constructor(origin, headers) {
    this.pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
    this.headers = { 'content-type': 'application/json', ...headers };
  }
  async post(path, payload, extra = {}) {
    const res = await bufferedRequest(this.pool, { method: 'POST', path, headers: { ...this.headers, ...extra }, body: JSON.stringify(payload) });
    const text = res.body.toString('utf8');
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  }
  close() {
    return this.pool.close();
  }
}

/**
 * Seeds `count` chained events of one organization straight into the service's tables, with the
 * chain computed by the service's own functions (so the export's proof verifies).
 */
async function seed(db, environmentId, org, count) {
  let prev = chain.genesisHash(environmentId, org);
  const start = Date.now() - 3_600_000;
  const BATCH = 2000;
  for (let base = 0; base < count; base += BATCH) {
    const cols = { id: [], occurred: [], actor: [], targets: [], context: [], metadata: [], seq: [], digest: [], hash: [] };
    for (let i = base; i < Math.min(count, base + BATCH); i++) {
      const e = body(org, i).event;
      const ev = { id: newId('audit_log_event'), occurredAt: new Date(start + Math.floor((i * 3_000_000) / count)), action: e.action, version: 1, actor: e.actor, targets: e.targets, context: e.context, metadata: e.metadata };
      const digest = chain.eventDigest(eventCells(ev));
      prev = chain.linkHash(prev, i + 1, ev.occurredAt.getTime(), digest);
      cols.id.push(ev.id);
      cols.occurred.push(ev.occurredAt);
      cols.actor.push(JSON.stringify(e.actor));
      cols.targets.push(JSON.stringify(e.targets));
      cols.context.push(JSON.stringify(e.context));
      cols.metadata.push(JSON.stringify(e.metadata));
      cols.seq.push(i + 1);
      cols.digest.push(digest);
      cols.hash.push(prev);
    }
    await db.query(
      `INSERT INTO audit_log_events (id, environment_id, organization_id, action, version, occurred_at, actor, targets, context, metadata, chain_seq)
       SELECT u.id, $1, $2, 'document.updated', 1, u.o, u.a::jsonb, u.t::jsonb, u.c::jsonb, u.m::jsonb, u.s
         FROM unnest($3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[]) AS u(id, o, a, t, c, m, s)`,
      [environmentId, org, cols.id, cols.occurred, cols.actor, cols.targets, cols.context, cols.metadata, cols.seq],
    );
    await db.query(
      `INSERT INTO audit_log_chain (environment_id, organization_id, seq, event_id, occurred_at, digest, hash)
       SELECT $1, $2, u.s, u.id, u.o, u.d, u.h FROM unnest($3::bigint[], $4::text[], $5::timestamptz[], $6::bytea[], $7::bytea[]) AS u(s, id, o, d, h)`,
      [environmentId, org, cols.seq, cols.id, cols.occurred, cols.digest, cols.hash],
    );
  }
  await db.query('INSERT INTO audit_log_chain_heads (environment_id, organization_id, seq, hash) VALUES ($1, $2, $3, $4)', [environmentId, org, count, prev]);
}

function rssKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/* The Stack spawns the apps as this process's children. */
function auditLogsPid() {
  const { execFileSync } = require('node:child_process');
  return Number(execFileSync('pgrep', ['-P', String(process.pid), '-f', 'apps/audit-logs/dist/src/main.js'], { encoding: 'utf8' }).trim().split('\n')[0]);
}

async function main() {
  const header = [
    `WOS Audit Logs benchmark ${new Date().toISOString()}  run ${runId}`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; the load generator shares the cores with the services`,
    `node ${process.version}; ${SECONDS} s per wrk phase, ${EVENTS} events in the SIEM phase, ${CONNECTIONS} connections, ${ORGS} organizations; export of ${EXPORT_EVENTS} events`,
  ].join('\n');
  log(header.replace(/\n/g, '\n[bench] '));
  const exportDir = mkdtempSync(join(tmpdir(), 'bench-audit-exports-'));
  const stack = new Stack({
    root,
    apps: ['audit-logs'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    postgresUrl: process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: KAFKA.join(','),
    redisUrl: 'redis://127.0.0.1:6379/9',
    internalAuthSecret: randomBytes(32).toString('hex'),
    freshDatabases: true,
    logDir: join(root, '.tools', 'logs', 'bench-audit'),
    replicas: benchReplicas(),
    env: { LOG_LEVEL: 'warn' },
    appEnv: profiler.appEnv({
      // The benchmark measures the service, not our default per-environment limit on this route.
      'api-gateway': { RATE_LIMIT_RULES: '[]', RATE_LIMIT_DEFAULT: '999999999/1' },
      'audit-logs': {
        AUDIT_LOGS_EXPORT_DIR: exportDir,
      },
    }),
  });
  const rows = [];
  const closers = [];
  try {
    log('starting the stack (gateway, audit-logs)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench ${runId}`, '--json']));
    const environmentId = created.environment?.id ?? created.environment_id;
    const key = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', environmentId, '--name', 'bench', '--rate-limit', '999999999', '--json']));
    const apiKey = key.value ?? key.api_key;
    const api = new Http(stack.baseUrl, { authorization: `Bearer ${apiKey}` });
    closers.push(() => api.close());
    const orgs = Array.from({ length: ORGS }, () => newId('org'));

    const gatewayAuth = { Authorization: `Bearer ${apiKey}` };
    const inputs = mkdtempSync(join(tmpdir(), 'bench-audit-wrk-'));
    closers.push(() => rmSync(inputs, { recursive: true, force: true }));
    const orgsFile = join(inputs, 'orgs.txt');
    const hotFile = join(inputs, 'hot-org.txt');
    writeFileSync(orgsFile, orgs.join('\n') + '\n');
    writeFileSync(hotFile, `${orgs[0]}\n`);
    // Each phase numbers its events from its own million, so no two share an Idempotency-Key.
    let phase = 0;
    const gateway = (name, file, seconds) => wrkPhase(name, { url: stack.baseUrl, headers: gatewayAuth, orgsFile: file, path: '/audit_logs/events', first: ++phase * 1_000_000, seconds });
    log('warm-up…');
    await gateway('warm-up', orgsFile, WARMUP);
    await profiler.on('ingest');
    const spread = await gateway(`createEvent via gateway, ${ORGS} orgs`, orgsFile);
    await profiler.off('ingest');
    rows.push({ ...spread, target: '>= 3,000/s, p99 < 50 ms', pass: spread.rps >= 3000 && spread.p99 < 50 && spread.errors === 0 });
    const hot = await gateway('createEvent via gateway, 1 hot org', hotFile);
    rows.push({ ...hot, target: '>= 1,500/s', pass: hot.rps >= 1500 && hot.errors === 0 });

    // A SIEM: a plain kafkajs consumer of the topic, from the end. It attaches for this phase
    // only: a SIEM runs on its own machine, and here it would take the wrk phases' cores.
    const acks = new Map();
    const received = new Map();
    const kafka = new Kafka({ clientId: `bench-siem-${runId}`, brokers: KAFKA, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `bench-siem-${runId}` });
    closers.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic: 'audit-logs.events.v1', fromBeginning: false });
    let assigned = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (assigned = true));
    await consumer.run({
      eachMessage: async ({ message }) => {
        // Joined with the 201's time after the run: a message may arrive before its response does.
        const marker = JSON.parse(message.value.toString()).data?.metadata?.bench;
        if (marker) received.set(marker, Date.now());
      },
    });
    for (let i = 0; !assigned && i < 300; i++) await sleep(100);

    // The SIEM latency needs each 201's time, so this phase is sent by this script's own client
    // (as the SDK sends them: every createEvent carries an Idempotency-Key, workos-node-<uuid>).
    const createEvent = (org, i) => api.post('/audit_logs/events', body(org, i), { 'idempotency-key': `workos-node-${runId}-${i}` });
    await ingest(`createEvent via gateway, ${ORGS} orgs, this script's client`, EVENTS, (i) => createEvent(orgs[i % ORGS], i), acks);
    const arrived = () => [...acks.keys()].filter((m) => received.has(m)).length;
    for (let i = 0; arrived() < acks.size && i < 300; i++) await sleep(100);
    const siemLatencies = [...acks].filter(([m]) => received.has(m)).map(([m, t]) => Math.max(0, received.get(m) - t));
    const siem = summarize(siemLatencies);
    await consumer.disconnect();
    rows.push({ name: 'commit to SIEM topic (201 -> kafkajs consumer)', requests: siemLatencies.length, ...siem, errors: acks.size - siemLatencies.length, target: 'p99 < 500 ms', pass: siem.p99 < 500 && siemLatencies.length === acks.size });

    // Baseline: a bare Fastify + pg server on the same database, same row.
    const port = PORT_OFFSET + 8093;
    const child = track(
      spawn(process.execPath, [join(benchDir, 'audit-logs-baseline-server.mjs')], {
        env: { ...process.env, DATABASE_URL: stack.databaseUrl('audit-logs'), POOL_SIZE: stack.appEnv('audit-logs').DATABASE_POOL_SIZE ?? '10', PORT: String(port), ENVIRONMENT_ID: environmentId },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
    closers.push(() => child.kill('SIGTERM'));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) break;
      } catch {
        if (i > 100) throw new Error('baseline server did not start');
      }
      await sleep(100);
    }
    const baseline = (name, file, path) => wrkPhase(name, { url: `http://127.0.0.1:${port}`, orgsFile: file, path, first: ++phase * 1_000_000 });
    await wrkPhase('baseline warm-up', { url: `http://127.0.0.1:${port}`, orgsFile, path: '/plain', first: ++phase * 1_000_000, seconds: WARMUP });
    const basePlain = await baseline(`baseline insert (bare Fastify + pg), ${ORGS} orgs`, orgsFile, '/plain');
    rows.push({ ...basePlain, target: '' });
    const baseChained = await baseline(`baseline chained insert, ${ORGS} orgs`, orgsFile, '/chained');
    rows.push({ ...baseChained, target: '' });
    // Another organization than the gateway's hot one: its chain starts here.
    writeFileSync(hotFile, `${orgs[1]}\n`);
    const baseHot = await baseline('baseline chained insert, 1 hot org', hotFile, '/chained');
    rows.push({ ...baseHot, target: '' });
    rows.push({ name: `ingest ${ORGS} orgs: service / baseline insert`, ratio: spread.rps / basePlain.rps, target: '>= 0.5', pass: spread.rps / basePlain.rps >= 0.5 });
    rows.push({ name: 'ingest hot org: service / baseline insert', ratio: hot.rps / basePlain.rps, target: '>= 0.5', pass: hot.rps / basePlain.rps >= 0.5 });
    rows.push({ name: 'baseline: chained / plain insert', ratio: baseChained.rps / basePlain.rps, target: '' });

    if (EXPORT_EVENTS > 0) {
      const db = new pg.Client({ connectionString: stack.databaseUrl('audit-logs') });
      await db.connect();
      closers.push(() => db.end());
      const big = newId('org');
      log(`seeding ${EXPORT_EVENTS} chained events for one organization…`);
      const s0 = performance.now();
      await seed(db, environmentId, big, EXPORT_EVENTS);
      log(`seeded in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
      const pid = auditLogsPid();
      const rssBefore = rssKb(pid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKb(pid))), 200);
      const t0 = performance.now();
      const exp = await api.post('/audit_logs/exports', { organization_id: big, range_start: new Date(Date.now() - 2 * 3_600_000).toISOString(), range_end: new Date().toISOString() });
      for (;;) {
        const r = await (await fetch(`${stack.baseUrl}/audit_logs/exports/${exp.body.id}`, { headers: { authorization: `Bearer ${apiKey}` } })).json();
        if (r.state === 'ready') break;
        if (r.state === 'error') throw new Error(`export failed: ${JSON.stringify(r)}`);
        await sleep(200);
      }
      const exportSeconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      rows.push({ name: `export ${EXPORT_EVENTS.toLocaleString('en-US')} events to ready (CSV + proof)`, requests: 1, p50: exportSeconds * 1000, errors: 0, target: '< 60 s, memory flat', pass: exportSeconds < 60, cpu: `audit-logs RSS ${Math.round(rssBefore / 1024)} -> peak ${Math.round(rssPeak / 1024)} MiB` });

      log('fetching the export and running the verifier…');
      const dir = mkdtempSync(join(tmpdir(), 'bench-audit-verify-'));
      closers.push(() => rmSync(dir, { recursive: true, force: true }));
      const cli = join(root, 'apps/audit-logs/dist/src/cli.js');
      const fetched = await run(process.execPath, [cli, 'fetch-export', exp.body.id, '--dir', dir, '--api-url', stack.baseUrl, '--api-key', apiKey], 600_000);
      if (fetched.code !== 0) throw new Error(`fetch-export failed: ${fetched.stderr}`);
      const v0 = performance.now();
      const verified = await run('/usr/bin/time', ['-f', 'MAXRSS_KB %M', process.execPath, cli, 'verify', '--export', join(dir, `${exp.body.id}.csv`), '--checkpoints', join(dir, `${exp.body.id}.chain.jsonl`), '--keys', join(dir, 'audit-log-chain-keys.json')], 600_000);
      const verifySeconds = (performance.now() - v0) / 1000;
      const maxRss = Number(/MAXRSS_KB (\d+)/.exec(verified.stderr)?.[1] ?? 0);
      log(verified.stdout.trim());
      rows.push({ name: `verify that export offline`, requests: 1, p50: verifySeconds * 1000, errors: verified.code === 0 ? 0 : 1, target: '< 30 s', pass: verified.code === 0 && verifySeconds < 30, cpu: `verifier peak RSS ${Math.round(maxRss / 1024)} MiB` });
    }
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    for (const c of children) c.kill('SIGTERM');
    await stack.stop();
    rmSync(exportDir, { recursive: true, force: true });
  }
  console.log(header);
  console.log('');
  console.log(formatTable(rows));
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
