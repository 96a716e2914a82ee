// Authorization check benchmark.
//
// How to run (after the build, on a quiet machine):
//   node tools/bench/authz-check.mjs
// Smoke run with a tiny data set:
//   BENCH_AUTHZ_ORGS=5 BENCH_AUTHZ_RESOURCES=120 BENCH_AUTHZ_ASSIGNMENTS=200 BENCH_AUTHZ_SECONDS=2 node tools/bench/authz-check.mjs
//
// Starts a dedicated stack (gateway, organizations, authorization; ports +BENCH_AUTHZ_PORT_OFFSET,
// databases wos_bench_authz_*), seeds the authorization database with SQL set operations
// (generate_series: organizations' resource trees up to depth 6 with their closure rows,
// memberships, role assignments), then measures:
//   1. POST /authorization/organization_memberships/:id/check through the gateway, 32 connections,
//      back to back (throughput), then paced at the target rate (3,000/s over the 32 connections:
//      the latency at that rate, as wrk2 measures it, not the queue a closed loop builds);
//   2. the same check on a bare Fastify + pg route running the service's own statement
//      (tools/bench/authz-baseline-server.mjs), in the same run;
//   3. check latency on depth-1 and depth-6 resources whose grant sits on the tree's root
//      (one connection, so the latencies are the statement's, not the queue's).
// Prints one table to stdout; progress goes to stderr. It never fails on a missed target.
// Knobs: BENCH_AUTHZ_ORGS (1000), BENCH_AUTHZ_RESOURCES (100000), BENCH_AUTHZ_ASSIGNMENTS (200000),
// BENCH_AUTHZ_SECONDS (20), BENCH_AUTHZ_CONNECTIONS (32), BENCH_AUTHZ_PORT_OFFSET (21500),
// BENCH_AUTHZ_INDEX=0 (checks from the database only: AUTHZ_CHECK_INDEX_MAX_ROWS=0, for a before/after),
// BENCH_PROFILE=1 or authorization,gateway (CPU profiles of the back-to-back gateway phase:
// .tools/bench-profiles/authz-check-<app>.cpuprofile; read them with profile-summary.mjs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Pool } from 'undici';
import { benchDir, benchProfiler, bufferedRequest, children, closedLoop, formatTable, log, root, sleep, track } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Stack } = require(join(root, 'libs/platform/dist/stack/index.js'));
const pg = require('pg');

const PORT_OFFSET = Number(process.env.BENCH_AUTHZ_PORT_OFFSET ?? 21_500);
const DB_PREFIX = 'wos_bench_authz';
const ORGS = Number(process.env.BENCH_AUTHZ_ORGS ?? 1000);
const RESOURCES = Number(process.env.BENCH_AUTHZ_RESOURCES ?? 100_000);
const ASSIGNMENTS = Number(process.env.BENCH_AUTHZ_ASSIGNMENTS ?? 200_000);
const SECONDS = Number(process.env.BENCH_AUTHZ_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_AUTHZ_CONNECTIONS ?? 32);
const DEPTH = 6;
/* The issue's rate: the paced phase offers it and measures the latency there. */
const TARGET_RPS = 3000;
const runId = randomBytes(4).toString('hex');
const profiler = benchProfiler(['authorization']);

/* IDs with a 26-digit suffix: valid Crockford ULID characters, sorted by the seed's index. */
const id = (prefix, n) => `${prefix}_${String(n).padStart(26, '0')}`;
const idSql = (prefix, expr) => `'${prefix}_' || lpad((${expr})::text, 26, '0')`;

/**
 * Seeds with set operations, so 100,000 resources take seconds. Layout: each organization holds
 * RESOURCES/ORGS resources in chains of DEPTH (resource k's parent is k-1 unless k is a chain's
 * first), i.e. equally many resources at each depth; each membership gets two assignments of the
 * `viewer` role (permission `doc:read`) on chain roots of its organization.
 */
async function seed(db, environmentId) {
  const perOrg = Math.max(DEPTH, Math.floor(RESOURCES / ORGS));
  const membershipsPerOrg = Math.max(1, Math.floor(ASSIGNMENTS / ORGS / 2));
  const chainsPerOrg = Math.floor(perOrg / DEPTH);
  const q = (sql, values = []) => db.query(sql, values);
  await q(`INSERT INTO authz_permissions (id, environment_id, slug, name, resource_type_slug) VALUES ($1, $2, 'doc:read', 'Read', 'doc')`, [id('perm', 1), environmentId]);
  await q(`INSERT INTO authz_roles (id, environment_id, slug, name, resource_type_slug) VALUES ($1, $2, 'viewer', 'Viewer', 'doc')`, [id('role', 1), environmentId]);
  await q(`INSERT INTO authz_role_permissions (role_id, permission_id) VALUES ($1, $2)`, [id('role', 1), id('perm', 1)]);
  // Resource n (0-based) is organization floor(n / perOrg), position k = n % perOrg, depth (k % DEPTH) + 1.
  const total = perOrg * ORGS;
  await q(
    `INSERT INTO authz_resources (id, environment_id, organization_id, resource_type_slug, external_id, name, parent_id)
     SELECT ${idSql('authz_resource', 'n')}, $1, ${idSql('org', 'n / $2')}, 'doc', 'doc-' || n, 'Doc ' || n,
       CASE WHEN (n % $2) % ${DEPTH} = 0 THEN NULL ELSE ${idSql('authz_resource', 'n - 1')} END
     FROM generate_series(0, $3 - 1) AS n`,
    [environmentId, perOrg, total],
  );
  // Closure: each resource with itself and its (k % DEPTH) ancestors in its chain.
  await q(
    `INSERT INTO authz_resource_ancestors (resource_id, ancestor_id, distance)
     SELECT ${idSql('authz_resource', 'n')}, ${idSql('authz_resource', 'n - d')}, d
     FROM generate_series(0, $2 - 1) AS n, generate_series(0, ${DEPTH - 1}) AS d WHERE d <= (n % $1) % ${DEPTH}`,
    [perOrg, total],
  );
  const memberships = membershipsPerOrg * ORGS;
  await q(
    `INSERT INTO authz_memberships (id, environment_id, organization_id, user_id, role_slugs, status, created_at, updated_at)
     SELECT ${idSql('om', 'n')}, $1, ${idSql('org', 'n / $2')}, ${idSql('user', 'n')}, '{}', 'active', now(), now() FROM generate_series(0, $3 - 1) AS n`,
    [environmentId, membershipsPerOrg, memberships],
  );
  // Two assignments per membership, on chain roots c1 and c2 of its organization.
  await q(
    `INSERT INTO authz_role_assignments (id, environment_id, organization_membership_id, role_id, resource_id)
     SELECT ${idSql('role_assignment', 'n * 2 + j')}, $1, ${idSql('om', 'n')}, $2,
       ${idSql('authz_resource', `(n / $3) * $4 + ((n * 7 + j * 3) % $5) * ${DEPTH}`)}
     FROM generate_series(0, $6 - 1) AS n, generate_series(0, 1) AS j ON CONFLICT DO NOTHING`,
    [environmentId, id('role', 1), membershipsPerOrg, perOrg, Math.max(1, chainsPerOrg), memberships],
  );
  await q('ANALYZE');
  return { perOrg, membershipsPerOrg, chainsPerOrg, total, memberships };
}

/** A check whose grant is the membership's first assignment's chain, at the given depth (1..6). */
function checkAt(layout, n, depth) {
  const org = Math.floor(n / layout.membershipsPerOrg);
  const root = org * layout.perOrg + ((n * 7) % Math.max(1, layout.chainsPerOrg)) * DEPTH;
  return { om: id('om', n), resource: id('authz_resource', root + depth - 1) };
}

const load = (name, seconds, connections, fn, paceMs = 0) => closedLoop(name, { seconds, connections, dbPrefix: DB_PREFIX, groups: ['gateway', 'authorization', 'baseline'], paceMs }, fn);

function client(origin, connections, headers = {}) {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  return {
    pool,
    async post(path, body) {
      const res = await bufferedRequest(pool, { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.statusCode, text: res.body.toString('utf8') };
    },
  };
}

async function main() {
  const header = [
    `WOS authorization check benchmark ${new Date().toISOString()}  run ${runId}`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; the load generator shares the cores with the services`,
    `node ${process.version}; ${ORGS} organizations, ~${RESOURCES} resources in chains of depth ${DEPTH}, ~${ASSIGNMENTS} assignments, ${CONNECTIONS} connections, ${SECONDS} s per phase`,
  ].join('\n');
  log(header.replace(/\n/g, '\n[bench] '));
  const stack = new Stack({
    root,
    apps: ['organizations', 'authorization'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    postgresUrl: process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/9',
    internalAuthSecret: randomBytes(32).toString('hex'),
    freshDatabases: true,
    logDir: join(root, '.tools', 'logs', 'bench-authz'),
    env: { LOG_LEVEL: 'warn' },
    appEnv: profiler.appEnv(process.env.BENCH_AUTHZ_INDEX === '0' ? { authorization: { AUTHZ_CHECK_INDEX_MAX_ROWS: '0' } } : {}),
  });
  const rows = [];
  const closers = [];
  let seeded = '';
  try {
    log('starting the stack (gateway, organizations, authorization)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench ${runId}`, '--json']));
    const environmentId = created.environment?.id ?? created.environment_id;
    const key = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', environmentId, '--name', 'bench', '--rate-limit', '999999999', '--json']));

    const db = new pg.Client({ connectionString: stack.databaseUrl('authorization') });
    await db.connect();
    const t0 = performance.now();
    const layout = await seed(db, environmentId);
    await db.end();
    const seedSeconds = (performance.now() - t0) / 1000;
    log(`seeded ${layout.total} resources, ${layout.memberships} memberships, ${layout.memberships * 2} assignments in ${seedSeconds.toFixed(1)} s`);

    const api = client(stack.baseUrl, CONNECTIONS, { authorization: `Bearer ${key.value ?? key.api_key}` });
    closers.push(() => api.pool.close());
    const viaGateway = (n, depth) => {
      const c = checkAt(layout, n % layout.memberships, depth);
      return api.post(`/authorization/organization_memberships/${c.om}/check`, { permission_slug: 'doc:read', resource_id: c.resource });
    };
    const probe = await viaGateway(0, DEPTH);
    if (probe.status !== 200 || !JSON.parse(probe.text).authorized) throw new Error(`a seeded grant is not authorized: ${probe.status} ${probe.text}`);

    await load('warm-up', Math.min(3, SECONDS), CONNECTIONS, (n) => viaGateway(n * 7919, (n % DEPTH) + 1));
    await profiler.on('authz-check');
    const gateway = await load(`check via gateway, ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, (n) => viaGateway(n * 7919, (n % DEPTH) + 1));
    await profiler.off('authz-check');
    rows.push({ ...gateway, target: '>= 3,000/s', pass: gateway.rps >= 3000 && gateway.errors === 0 });
    const paceMs = (CONNECTIONS * 1000) / TARGET_RPS;
    const paced = await load(`check via gateway, paced at ${TARGET_RPS.toLocaleString('en-US')}/s (${CONNECTIONS} conns)`, SECONDS, CONNECTIONS, (n) => viaGateway(n * 7919, (n % DEPTH) + 1), paceMs);
    rows.push({ ...paced, target: 'p99 < 15 ms', pass: paced.p99 < 15 && paced.errors === 0 });

    const depthSeconds = Math.max(1, Math.round(SECONDS / 2));
    const depth1 = await load('check via gateway, depth 1, 1 conn', depthSeconds, 1, (n) => viaGateway(n * 7919, 1));
    const depth6 = await load(`check via gateway, depth ${DEPTH}, 1 conn`, depthSeconds, 1, (n) => viaGateway(n * 7919, DEPTH));
    rows.push({ ...depth1, target: '' }, { ...depth6, target: '' });
    rows.push({ name: `p50 latency: depth ${DEPTH} / depth 1`, ratio: depth6.p50 / depth1.p50, target: '<= 2', pass: depth6.p50 / depth1.p50 <= 2 });

    const port = PORT_OFFSET + 8092;
    const child = track(
      spawn(process.execPath, [join(benchDir, 'authz-baseline-server.mjs')], {
        env: { ...process.env, DATABASE_URL: stack.databaseUrl('authorization'), POOL_SIZE: stack.appEnv('authorization').DATABASE_POOL_SIZE ?? '10', PORT: String(port), ENVIRONMENT_ID: environmentId },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
    closers.push(() => child.kill('SIGTERM'));
    const base = client(`http://127.0.0.1:${port}`, CONNECTIONS);
    closers.push(() => base.pool.close());
    for (let i = 0; ; i++) {
      try {
        if ((await base.post(`/check/${id('om', 0)}`, { permission_slug: 'doc:read', resource_id: id('authz_resource', 0) })).status === 200) break;
      } catch {
        if (i > 100) throw new Error('baseline server did not start');
      }
      await sleep(100);
    }
    const viaBaseline = (n, depth) => {
      const c = checkAt(layout, n % layout.memberships, depth);
      return base.post(`/check/${c.om}`, { permission_slug: 'doc:read', resource_id: c.resource });
    };
    const baseline = await load(`baseline check (bare Fastify + pg), ${CONNECTIONS} conns`, SECONDS, CONNECTIONS, (n) => viaBaseline(n * 7919, (n % DEPTH) + 1));
    rows.push({ ...baseline, target: '' });
    rows.push({ name: 'check throughput: gateway / baseline', ratio: gateway.rps / baseline.rps, target: '' });
    seeded = `seeded ${layout.total} resources, ${layout.memberships} memberships and ${layout.memberships * 2} assignments in ${seedSeconds.toFixed(1)} s`;
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    for (const c of children) c.kill('SIGTERM');
    await stack.stop();
  }
  console.log(header);
  console.log(seeded);
  console.log('');
  console.log(formatTable(rows));
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
