// Small helpers shared by the benchmark scenarios: the wrk runner, CPU accounting from /proc,
// percentiles and the result table. Progress goes to stderr; only the table goes to stdout.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Pool } from 'undici';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const root = join(benchDir, '..', '..');
export { sleep };

export const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/** Child processes started by the benchmark itself (wrk, the baseline server), for Ctrl-C. */
export const children = new Set();
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Starts one of the bench's bare servers (a script in tools/bench, env added to PATH) and waits for its `ready` line. */
export async function startServer(script, env) {
  const child = track(spawn(process.execPath, [join(benchDir, script)], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] }));
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} not ready in 15 s`)), 15_000);
      child.stdout.on('data', (d) => String(d).includes('ready') && (clearTimeout(timer), resolve()));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${script} exited (${code})`))));
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

/** Stops a bare server: SIGTERM, then SIGKILL if it has not exited within 5 s. */
export async function stopServer(child) {
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5000).unref())]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Runs wrk (one thread, `connections` keep-alive connections) with `script` from tools/bench
 * (wrk.lua: GETs and organization creates; wrk-writes.lua: audit events, radar attempts, vault
 * data-key pairs; authkit.lua) and returns its summary: requests, req/s, latency percentiles (ms),
 * errors (socket errors plus non-2xx/3xx answers), and for wrk-writes.lua's pairs their count and rate.
 */
export async function runWrk({ url, connections = 32, seconds, headers = {}, luaArgs = [], script = 'wrk.lua' }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '--latency', '-s', join(benchDir, script)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push(url, '--', ...luaArgs);
  const { code, stdout, stderr } = await run('wrk', args, (seconds + 30) * 1000);
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${stderr || stdout}`);
  if (stderr.trim()) log(`wrk (${luaArgs[0] ?? script}): ${stderr.trim()}`);
  const r = JSON.parse(line.slice('BENCH_RESULT '.length));
  const elapsed = r.duration_us / 1e6;
  return {
    requests: r.requests,
    rps: r.requests / elapsed,
    ...(luaArgs[0] === 'vault-pairs' ? { pairs: r.pairs, pairsPerSecond: r.pairs / elapsed } : {}),
    p50: r.p50_us / 1000,
    p99: r.p99_us / 1000,
    max: r.max_us / 1000,
    errors: r.connect + r.read + r.write + r.timeout + r.status,
    errorDetail: r,
  };
}

/** Spawns a command and collects its output; kills it (by its own pid) after `timeoutMs`. */
export function run(cmd, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// --- CPU accounting -------------------------------------------------------------------------

const TICK = 100; // USER_HZ on Linux

/** The fields of a `/proc/.../stat` file (a process's or a thread's); undefined once it has ended. */
function statOf(path) {
  let s;
  try {
    s = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) " and then: state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return {
    comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')),
    ppid: Number(rest[1]),
    ticks: Number(rest[11]) + Number(rest[12]),
    reapedTicks: Number(rest[13]) + Number(rest[14]),
  };
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Which group a process belongs to: the apps this benchmark started (children of this
 * process), the load generator, the baseline server, and the Postgres backends serving the
 * benchmark's databases. Shared processes (Redis, Kafka) are grouped by name.
 */
function groupOf(pid, stat, dbPrefix) {
  if (Number(pid) === process.pid) return 'bench';
  const cmd = cmdline(pid);
  if (stat.ppid === process.pid) {
    const app = /apps\/([a-z-]+)\/dist\/src\/main\.js/.exec(cmd)?.[1];
    if (app) return app === 'api-gateway' ? 'gateway' : app;
    if (cmd.includes('baseline-server.mjs')) return 'baseline';
    if (cmd.includes('hop-proxy-server.mjs')) return 'proxy';
    return undefined;
  }
  if (cmd.startsWith('postgres: ') && cmd.includes(dbPrefix)) return 'postgres';
  if (cmd.startsWith('redis-server')) return 'redis';
  if (cmd.includes('kafka.Kafka') && cmd.includes('.tools/kafka/server.properties')) return 'kafka';
  return undefined;
}

/**
 * A Node process's CPU ticks by thread role: `main` (the event loop), `pool` (libuv's thread
 * pool: argon2, async crypto, zlib) and `v8` (the V8 worker threads: concurrent GC and
 * compilation); any other thread counts under `rest`.
 */
function threadTicks(pid) {
  const out = { main: 0, pool: 0, v8: 0, rest: 0 };
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const stat = statOf(`/proc/${pid}/task/${tid}/stat`);
    if (!stat) continue; // the thread ended
    const role = tid === pid ? 'main' : stat.comm === 'libuv-worker' ? 'pool' : stat.comm.startsWith('V8') ? 'v8' : 'rest';
    out[role] += stat.ticks;
  }
  return out;
}

/** Per-process CPU ticks (and, for this script's child processes, per thread role) plus the machine's total busy ticks. */
export function cpuSnapshot(dbPrefix) {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(`/proc/${name}/stat`);
    if (!stat) continue;
    const group = groupOf(name, stat, dbPrefix);
    if (group) procs.set(name, { group, ticks: stat.ticks, ...(stat.ppid === process.pid ? { threads: threadTicks(name) } : {}) });
    // wrk has exited by the time the phase ends; its CPU shows up in our children's time
    // (cutime + cstime) once reaped. It is the only child that exits during a measured phase.
    if (Number(name) === process.pid) procs.set('wrk', { group: 'wrk', ticks: stat.reapedTicks });
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { at: performance.now(), procs, busy: total - idle, total };
}

/**
 * CPU ticks between two snapshots: per group, per `<group>.<thread role>` for this script's
 * child processes, and `known` (the groups' sum).
 */
function ticksBetween(a, b) {
  const byKey = {};
  let known = 0;
  for (const [pid, p] of b.procs) {
    const before = a.procs.get(pid);
    const ticks = p.ticks - (before?.ticks ?? 0);
    known += ticks;
    byKey[p.group] = (byKey[p.group] ?? 0) + ticks;
    for (const [role, t] of Object.entries(p.threads ?? {})) {
      byKey[`${p.group}.${role}`] = (byKey[`${p.group}.${role}`] ?? 0) + (t - (before?.threads?.[role] ?? 0));
    }
  }
  return { byKey, known };
}

/** CPU use between two snapshots, per group, in percent of one core (the machine has 2). */
export function cpuSplit(a, b) {
  const seconds = (b.at - a.at) / 1000;
  const { byKey, known } = ticksBetween(a, b);
  const pct = (ticks) => Math.round((100 * ticks) / TICK / seconds);
  const out = Object.fromEntries(Object.entries(byKey).filter(([k]) => !k.includes('.')).map(([g, t]) => [g, pct(t)]));
  out.other = Math.max(0, pct(b.busy - a.busy - known));
  out.machine = Math.round((100 * (b.busy - a.busy)) / (b.total - a.total)); // % of all cores
  return out;
}

/**
 * CPU milliseconds per operation between two snapshots: per group, per thread role of this
 * script's child processes (`<group>.main`, `.pool`, `.v8`, `.rest`), `other` (the rest of the
 * machine's busy time) and `all`.
 */
export function cpuMsPer(a, b, operations) {
  const { byKey, known } = ticksBetween(a, b);
  const ms = (ticks) => (1000 * ticks) / TICK / operations;
  const out = Object.fromEntries(Object.entries(byKey).map(([k, t]) => [k, ms(t)]));
  out.other = Math.max(0, ms(b.busy - a.busy - known));
  out.all = ms(Math.max(b.busy - a.busy, known));
  return out;
}

export function formatCpu(split) {
  const order = ['gateway', 'organizations', 'events', 'proxy', 'baseline', 'postgres', 'redis', 'kafka', 'wrk', 'bench', 'other'];
  const parts = order.filter((g) => split[g]).map((g) => `${g} ${split[g]}`);
  return `${parts.join(', ')} (machine ${split.machine}% busy)`;
}

// --- statistics and output ------------------------------------------------------------------

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(latenciesMs) {
  const s = [...latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN };
}

const ms = (v) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms` : '-');
const num = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');

/**
 * Under `npm run bench:all` (tools/bench/all.mjs), every row a script reports is kept, one JSON
 * line each, for the combined table (formatTable does it; scripts with a table of their own call it).
 */
export function recordRows(rows) {
  if (process.env.BENCH_JSON) for (const r of rows) appendFileSync(process.env.BENCH_JSON, `${JSON.stringify({ script: process.env.BENCH_LABEL ?? '', ...r })}\n`);
}

/** Rows: { name, requests, rps, p50, p99, max, errors, target, pass, cpu }. */
export function formatTable(rows) {
  recordRows(rows);
  const head = ['scenario', 'requests', 'req/s', 'p50', 'p99', 'max', 'errors', 'target', 'result', 'CPU, % of one core'];
  const body = rows.map((r) => [
    r.name,
    num(r.requests),
    r.ratio !== undefined ? r.ratio.toFixed(2) : num(r.rps),
    ms(r.p50),
    ms(r.p99),
    ms(r.max),
    num(r.errors),
    r.target,
    r.pass === undefined ? '-' : r.pass ? 'pass' : 'MISS',
    r.cpu ?? '',
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => String(row[i]).length)));
  const right = new Set([1, 2, 3, 4, 5, 6]);
  const line = (row) => `| ${row.map((c, i) => (right.has(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), sep, ...body.map(line)].join('\n');
}

/*
 * Paced loops start spread over one pace period (loop k of n after k/n of it), so that requests
 * arrive evenly at the set rate instead of n at once every period (a burst the server would queue).
 */
function staggered(k, connections, paceMs) {
  return paceMs > 0 && k > 0 ? sleep((k * paceMs) / connections) : undefined;
}

/**
 * The closed-loop driver of the benchmarks: `connections` loops call `fn(i)` back to back for
 * `seconds` (with `paceMs` > 0, each loop starts a call at most every paceMs: latency at a set
 * rate, connections × 1000 / paceMs per second). Returns throughput, latency percentiles, the
 * count of answers `ok` refuses (logged with the first one), and the CPU split over `groups` of
 * the stack whose databases start with `dbPrefix`.
 */
export async function closedLoop(name, { seconds, connections, dbPrefix, groups, ok = (r) => r.status === 200, paceMs = 0 }, fn) {
  const latencies = [];
  let errors = 0;
  let firstError;
  let i = 0;
  const a = cpuSnapshot(dbPrefix);
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, k) => {
      await staggered(k, connections, paceMs);
      while (performance.now() < until) {
        const t = performance.now();
        const r = await fn(i++);
        latencies.push(performance.now() - t);
        if (!ok(r)) {
          errors++;
          firstError ??= `${r.status} ${String(r.text ?? '').slice(0, 300)}`;
        }
        const rest = t + paceMs - performance.now();
        if (rest > 0) await sleep(rest);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const split = cpuSplit(a, cpuSnapshot(dbPrefix));
  const cpu = [...groups, 'postgres', 'bench', 'other'].filter((g) => split[g]).map((g) => `${g} ${split[g]}`).join(', ') + ` (machine ${split.machine}% busy)`;
  if (firstError) log(`${name}: ${errors} errors, first: ${firstError}`);
  log(`${name}: ${latencies.length} in ${elapsed.toFixed(1)} s (${(latencies.length / elapsed).toFixed(0)}/s)`);
  return { name, requests: latencies.length, rps: latencies.length / elapsed, errors, ...summarize(latencies), cpu };
}

/**
 * One request through an undici pool, its answer read whole: `{ statusCode, headers, body }`
 * (body a Buffer), with the platform's bufferedDispatch. The load generator uses it rather than
 * `pool.request()` and a body stream, whose per-request objects outlive young-generation GCs:
 * the generator's own 10–20 ms GC pauses were then measured as the services' latency
 * (docs/benchmarks.md, GC pauses).
 */
let dispatchBuffered;
export function bufferedRequest(pool, options) {
  dispatchBuffered ??= createRequire(import.meta.url)(join(root, 'libs/platform/dist/http/buffered-dispatch.js')).bufferedDispatch;
  return dispatchBuffered(pool, options);
}

/**
 * `connections` loops sending the undici request `request()` to `baseUrl` for `seconds`: the
 * latencies of answers whose status `ok` accepts (default 2xx), the rest counted as errors.
 * `paceMs` > 0 paces each connection (one request per paceMs at most).
 */
export async function poolLoop(baseUrl, connections, seconds, request, ok = (status) => status < 300, paceMs = 0) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1 });
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  const loop = async (_, k) => {
    await staggered(k, connections, paceMs);
    while (performance.now() - started < seconds * 1000) {
      const t = performance.now();
      const res = await bufferedRequest(pool, request());
      if (ok(res.statusCode)) latencies.push(performance.now() - t);
      else errors++;
      // Paced (paceMs > 0): each connection starts a request at most every paceMs, so what a
      // request leaves running in the background (events, reports) is not measured as the next one's latency.
      const rest = t + paceMs - performance.now();
      if (rest > 0) await sleep(rest);
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return { requests: latencies.length, rps: latencies.length / elapsed, ...summarize(latencies), errors };
}

/** Runs `fn` and adds the CPU split of the stack whose databases start with `dbPrefix` over its run. */
export async function measureCpu(label, dbPrefix, fn) {
  const a = cpuSnapshot(dbPrefix);
  const r = await fn();
  const split = cpuSplit(a, cpuSnapshot(dbPrefix));
  const cpu = `${Object.entries(split).filter(([g, v]) => g !== 'machine' && v).map(([g, v]) => `${g} ${v}`).join(', ')} (machine ${split.machine}% busy)`;
  log(`${label}: ${JSON.stringify(r)} cpu: ${cpu}`);
  return { ...r, cpu };
}

/**
 * A benchmark's own stack: fresh `dbPrefix` databases, the machine's Postgres and Kafka (or
 * POSTGRES_URL, KAFKA_BROKERS), a random internal-auth secret, logs in .tools/logs/bench-<name>.
 * `opts` adds or overrides any Stack option (apps, portOffset, redisUrl, appEnv, ...).
 */
/**
 * BENCH_REPLICAS (e.g. `identity=2`): processes per app for the stack a script starts, as the run
 * command's WOS_REPLICAS (they share the app's port). Unset: one each.
 */
export function benchReplicas() {
  const { parseReplicas } = createRequire(import.meta.url)(join(root, 'libs/platform/dist/stack/index.js'));
  return parseReplicas({ WOS_REPLICAS: process.env.BENCH_REPLICAS ?? '' });
}

export function benchStack(name, opts) {
  const { Stack } = createRequire(import.meta.url)(join(root, 'libs/platform/dist/stack/index.js'));
  return new Stack({
    root,
    postgresUrl: process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    internalAuthSecret: randomBytes(32).toString('hex'),
    freshDatabases: true,
    logDir: join(root, '.tools', 'logs', `bench-${name}`),
    env: { LOG_LEVEL: 'warn' },
    replicas: benchReplicas(),
    ...opts,
  });
}

/**
 * BENCH_PROFILE=identity,gateway (or 1 for `defaults`): CPU profiles of those apps while a
 * script's phase runs, through cpu-profile-hook.cjs, written to
 * .tools/bench-profiles/<label>-<app>.cpuprofile (read them with profile-summary.mjs).
 * `appEnv(base)` adds the hook to the stack's per-app environment; `on(label)` / `off(label)`
 * bracket a phase (`off` waits, bounded, for the files).
 */
export function benchProfiler(defaults = [], value = process.env.BENCH_PROFILE) {
  const apps = value === '1' ? defaults : (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const dir = join(root, '.tools', 'bench-profiles');
  if (apps.length) (mkdirSync(dir, { recursive: true }), writeFileSync(join(dir, 'control'), 'off\n'));
  return {
    apps,
    appEnv(base = {}) {
      const out = { ...base };
      for (const p of apps) {
        const app = p === 'gateway' ? 'api-gateway' : p;
        out[app] = { ...out[app], ...this.serverEnv(p) };
      }
      return out;
    },
    /** The environment that profiles one process named `name` (an app, or a bare server such as `proxy`) when it is listed. */
    serverEnv(name) {
      return apps.includes(name) ? { NODE_OPTIONS: `--require ${join(benchDir, 'cpu-profile-hook.cjs')}`, BENCH_PROFILE_DIR: dir, BENCH_PROFILE_APP: name } : {};
    },
    async on(label) {
      if (!apps.length) return;
      for (const p of apps) rmSync(join(dir, `${label}-${p}.cpuprofile`), { force: true });
      writeFileSync(join(dir, 'control'), `on ${label}\n`);
      await sleep(300); // the hooks poll the control file every 100 ms
    },
    async off(label) {
      if (!apps.length) return;
      const files = apps.map((p) => join(dir, `${label}-${p}.cpuprofile`));
      writeFileSync(join(dir, 'control'), `off ${label}\n`);
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !files.every((f) => existsSync(f))) await sleep(100);
      log(`profiles: ${files.join(', ')}`);
    },
  };
}

/** On Ctrl-C or SIGTERM: the load children stop, then the stack, then the process (exit 130). */
export function stopOnSignal(stack) {
  const onSignal = () => {
    for (const child of children) child.kill('SIGTERM');
    void stack.stop().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}


/**
 * Server time per route from a service's /metrics (`http_request_duration_seconds` sum and count,
 * keyed "METHOD route"). Two snapshots around a phase give each route's mean server time in it:
 * where a request's latency is spent across services, without a profiler.
 */
export async function routeTimings(metricsUrl) {
  const text = await (await fetch(metricsUrl)).text();
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = /^http_request_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const key = `${labels.method} ${labels.route}`;
    const entry = out.get(key) ?? { sum: 0, count: 0 };
    entry[m[1]] += Number(m[3]);
    out.set(key, entry);
  }
  return out;
}

/** "METHOD route: mean ms (n)" for each route that served requests between the two snapshots. */
export function routeMeans(before, after) {
  const lines = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { sum: 0, count: 0 };
    const n = a.count - b.count;
    if (n > 0) lines.push(`${key}: ${(((a.sum - b.sum) / n) * 1000).toFixed(2)} ms mean (${n})`);
  }
  return lines;
}

/**
 * A service's store round trips so far, from its /metrics: `statements` (db_statements_total,
 * by source: `pool`, `outbox_relay`) and `redis` (redis_commands_total). Two snapshots around a
 * phase, divided by its requests, give the statements and Redis commands per request.
 */
export async function storeCounters(metricsUrl) {
  const text = await (await fetch(metricsUrl)).text();
  const statements = {};
  let redis = 0;
  for (const line of text.split('\n')) {
    const s = /^db_statements_total\{source="([^"]+)"\} (\S+)$/.exec(line);
    if (s) statements[s[1]] = Number(s[2]);
    const r = /^redis_commands_total (\S+)$/.exec(line);
    if (r) redis = Number(r[1]);
  }
  return { statements, redis };
}

/** Per-request deltas between two storeCounters snapshots. */
export function storeCountsPer(before, after, requests) {
  const per = (a, b) => ((a ?? 0) - (b ?? 0)) / requests;
  const sources = new Set([...Object.keys(before.statements), ...Object.keys(after.statements)]);
  return {
    statements: Object.fromEntries([...sources].map((s) => [s, per(after.statements[s], before.statements[s])])),
    redis: per(after.redis, before.redis),
  };
}
