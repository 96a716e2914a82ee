// Directory Sync benchmark (node tools/bench/dsync.mjs, after the build): starts a dedicated stack
// (gateway, organizations, directory-sync; ports +22000, databases wos_bench_dsync_*), provisions a
// directory over SCIM through the gateway as an IdP would (10,000 users, 500 groups, 10 members
// per PATCH, 20 per group), then pages GET /directory_users of that 10,000-user directory, and
// runs a same-run baseline (bare Fastify + pg running the service's own statements). Prints one
// table to stdout; progress goes to stderr. It never fails on a missed target.
// Knobs: BENCH_DSYNC_USERS (10000), BENCH_DSYNC_GROUPS (500), BENCH_DSYNC_CONNECTIONS (10).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Pool } from 'undici';
import { benchDir, bufferedRequest, children, cpuSnapshot, cpuSplit, formatTable, log, root, sleep, summarize, track } from './lib.mjs';
import { Api } from './client.mjs';

const require = createRequire(import.meta.url);
const { Stack } = require(join(root, 'libs/platform/dist/stack/index.js'));

const PORT_OFFSET = 22000;
const DB_PREFIX = 'wos_bench_dsync';
const USERS = Number(process.env.BENCH_DSYNC_USERS ?? 10_000);
const GROUPS = Number(process.env.BENCH_DSYNC_GROUPS ?? 500);
const MEMBERS_PER_GROUP = 20;
const MEMBERS_PER_PATCH = 10;
const CONNECTIONS = Number(process.env.BENCH_DSYNC_CONNECTIONS ?? 10);
const PAGE_PASSES = 3;
const runId = randomBytes(4).toString('hex');

/** A SCIM client as an IdP: keep-alive connections, the directory's bearer token. */
class Scim {
  constructor(baseUrl, token) {
    const u = new URL(baseUrl);
    this.pool = new Pool(u.origin, { connections: CONNECTIONS, pipelining: 1 });
    this.prefix = u.pathname.replace(/\/$/, '');
    this.auth = `Bearer ${token}`;
  }
  async request(method, path, body) {
    const res = await bufferedRequest(this.pool, {
      method,
      path: this.prefix + path,
      headers: { authorization: this.auth, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = res.body.toString('utf8');
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  }
  close() {
    return this.pool.close();
  }
}

/** Runs `count` requests with CONNECTIONS workers; returns rate, latencies, errors and results. */
async function load(name, count, fn, expected) {
  const latencies = [];
  const results = new Array(count);
  let next = 0;
  let errors = 0;
  let firstError;
  const a = cpuSnapshot(DB_PREFIX);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        const r = await fn(i);
        latencies.push(performance.now() - t);
        if (r.status !== expected) {
          errors++;
          firstError ??= `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
        }
        results[i] = r.body;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuText(cpuSplit(a, cpuSnapshot(DB_PREFIX)));
  if (firstError) log(`${name}: ${errors} errors, first: ${firstError}`);
  log(`${name}: ${count} in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)}/s) cpu: ${cpu}`);
  return { name, requests: count, rps: count / seconds, seconds, errors, ...summarize(latencies), cpu, results };
}

function cpuText(split) {
  const order = ['gateway', 'directory-sync', 'organizations', 'baseline', 'postgres', 'kafka', 'redis', 'bench', 'other'];
  return `${order.filter((g) => split[g]).map((g) => `${g} ${split[g]}`).join(', ')} (machine ${split.machine}% busy)`;
}

/** Pages a directory's users 100 at a time, following `after`, PAGE_PASSES times; per-page latencies. */
async function pageAll(name, get) {
  const latencies = [];
  let pages = 0;
  let seen = 0;
  const a = cpuSnapshot(DB_PREFIX);
  const started = performance.now();
  for (let pass = 0; pass < PAGE_PASSES; pass++) {
    seen = 0;
    for (let after; ; ) {
      const t = performance.now();
      const r = await get(after);
      latencies.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
      pages++;
      seen += r.body.data.length;
      after = r.body.list_metadata.after;
      if (!after) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuText(cpuSplit(a, cpuSnapshot(DB_PREFIX)));
  log(`${name}: ${pages} pages (${seen} users per pass) cpu: ${cpu}`);
  return { name, requests: pages, rps: pages / seconds, errors: 0, seen, ...summarize(latencies), cpu };
}

function user(i, tag) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    userName: `user${i}-${tag}@bench.example.com`,
    externalId: `ext-${tag}-${i}`,
    name: { givenName: `Given${i}`, familyName: `Family${i}` },
    emails: [{ primary: true, value: `user${i}-${tag}@bench.example.com`, type: 'work' }],
    displayName: `User ${i}`,
    active: true,
    title: 'Engineer',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: `Dept ${i % 17}`, employeeNumber: String(i) },
  };
}

async function main() {
  const header = [
    `WOS Directory Sync benchmark ${new Date().toISOString()}  run ${runId}`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; the load generator shares the cores with the services`,
    `node ${process.version}; ${USERS} users, ${GROUPS} groups x ${MEMBERS_PER_GROUP} members (${MEMBERS_PER_PATCH} per PATCH), ${CONNECTIONS} connections`,
  ].join('\n');
  log(header.replace(/\n/g, '\n[bench] '));
  const stack = new Stack({
    root,
    apps: ['organizations', 'directory-sync'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    postgresUrl: process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    redisUrl: 'redis://127.0.0.1:6379/9',
    internalAuthSecret: randomBytes(32).toString('hex'),
    freshDatabases: true,
    logDir: join(root, '.tools', 'logs', 'bench-dsync'),
    env: { LOG_LEVEL: 'warn' },
    // No gateway rate-limit rules and no public per-IP limit: one client pushes the whole
    // directory, as a provisioning run from one IdP would (the limits are measured elsewhere).
    appEnv: { 'api-gateway': { RATE_LIMIT_RULES: '[]', PUBLIC_RATE_LIMIT_PER_IP: '999999999/60' } },
  });
  const rows = [];
  const closers = [];
  try {
    log('starting the stack (gateway, organizations, directory-sync)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench ${runId}`, '--json']));
    const environmentId = created.environment?.id ?? created.environment_id;
    const key = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', environmentId, '--name', 'bench', '--rate-limit', '999999999', '--json']));
    const api = new Api(stack.baseUrl, key.value ?? key.api_key, 16);
    closers.push(() => api.close());
    const { body: org } = await api.expect(201, 'POST', '/organizations', { name: `bench ${runId}` });
    const { body: dir } = await api.expect(201, 'POST', '/directories', { organization_id: org.id, name: 'Bench', type: 'okta scim v2.0' });
    const scim = new Scim(dir.base_url, dir.bearer_token);
    closers.push(() => scim.close());
    await scim.request('GET', '/ServiceProviderConfig'); // links the directory

    log(`provisioning ${USERS} users over SCIM…`);
    const users = await load('SCIM POST /Users', USERS, (i) => scim.request('POST', '/Users', user(i, runId)), 201);
    const userIds = users.results.map((u) => u?.id).filter(Boolean);
    rows.push({ ...users, target: '>= 500/s', pass: users.rps >= 500 && users.errors === 0 });

    log(`provisioning ${GROUPS} groups…`);
    const groups = await load('SCIM POST /Groups', GROUPS, (i) => scim.request('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Group ${i}`, externalId: `g-${i}` }), 201);
    rows.push({ ...groups, target: '' });
    const groupIds = groups.results.map((g) => g?.id).filter(Boolean);

    const patches = GROUPS * (MEMBERS_PER_GROUP / MEMBERS_PER_PATCH);
    log(`adding ${MEMBERS_PER_GROUP} members to each group in ${patches} PATCHes…`);
    const memberships = await load('SCIM PATCH /Groups (+10 members)', patches, (i) => {
      const g = Math.floor(i / (MEMBERS_PER_GROUP / MEMBERS_PER_PATCH));
      const members = Array.from({ length: MEMBERS_PER_PATCH }, (_, k) => ({ value: userIds[(g * MEMBERS_PER_GROUP + (i % 2) * MEMBERS_PER_PATCH + k) % userIds.length] }));
      return scim.request('PATCH', `/Groups/${groupIds[g]}?excludedAttributes=members`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: members }] });
    }, 200);
    rows.push({ ...memberships, target: '' });
    const userOps = USERS + patches * MEMBERS_PER_PATCH;
    const userOpsSeconds = users.seconds + memberships.seconds;
    rows.push({ name: 'user operations overall (creates + member adds)', requests: userOps, rps: userOps / userOpsSeconds, errors: users.errors + memberships.errors, target: '>= 500/s', pass: userOps / userOpsSeconds >= 500 });

    log('paging GET /directory_users (limit 100) through the gateway…');
    const paging = await pageAll('GET /directory_users page (100/page, 10k dir)', (after) =>
      api.request('GET', `/directory_users?directory=${dir.id}&limit=100&order=desc${after ? `&after=${after}` : ''}`),
    );
    if (paging.seen !== USERS) throw new Error(`paging saw ${paging.seen} users, expected ${USERS}`);
    rows.push({ ...paging, target: 'p99 < 50 ms', pass: paging.p99 < 50 });

    // Baseline: the same statements from a bare Fastify + pg server on the same database.
    const { body: baseDir } = await api.expect(201, 'POST', '/directories', { organization_id: org.id, name: 'Baseline', type: 'okta scim v2.0' });
    const port = PORT_OFFSET + 8091;
    const child = track(
      spawn(process.execPath, [join(benchDir, 'dsync-baseline-server.mjs')], {
        env: {
          ...process.env, DATABASE_URL: stack.databaseUrl('directory-sync'), POOL_SIZE: stack.appEnv('directory-sync').DATABASE_POOL_SIZE ?? '10', PORT: String(port),
          ENVIRONMENT_ID: environmentId, DIRECTORY_ID: baseDir.id, ORGANIZATION_ID: org.id,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
    closers.push(() => child.kill('SIGTERM'));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/directory_users?directory=${dir.id}&limit=1`)).ok) break;
      } catch {
        if (i > 100) throw new Error('baseline server did not start');
      }
      await sleep(100);
    }
    const base = new Scim(`http://127.0.0.1:${port}`, 'unused');
    closers.push(() => base.close());
    const baseUsers = await load('baseline POST /Users (bare Fastify + pg)', USERS, (i) => base.request('POST', '/Users', user(i, `${runId}b`)), 201);
    rows.push({ ...baseUsers, target: '' });
    const basePaging = await pageAll('baseline /directory_users page', (after) => base.request('GET', `/directory_users?directory=${dir.id}&limit=100&order=desc${after ? `&after=${after}` : ''}`));
    rows.push({ ...basePaging, target: '' });
    rows.push({ name: 'POST /Users: service / baseline throughput', ratio: users.rps / baseUsers.rps, target: '' });
    rows.push({ name: 'page: service / baseline p99 latency', ratio: paging.p99 / basePaging.p99, target: '' });
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    for (const c of children) c.kill('SIGTERM');
    await stack.stop();
  }
  console.log(header);
  console.log('');
  console.log(formatTable(rows.map(({ results: _r, ...r }) => r)));
}

main().catch((err) => {
  log(`failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
