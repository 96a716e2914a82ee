// The benchmark (npm run bench, after tools/setup.sh): starts a dedicated stack (gateway,
// organizations, events), seeds it, runs the scenarios and prints one table to stdout.
// Progress and notes go to stderr. It never fails on a missed target.
//
// Knobs for analysis runs (all optional):
//   BENCH_ONLY=get,baseline,hop,post,events   run a subset (hop, the two-hop baseline, runs with baseline)
//   BENCH_GET_SECONDS=15 BENCH_POST_SECONDS=10 BENCH_WARMUP_SECONDS=3
//   BENCH_PROFILE=1 (gateway,organizations) or a list   CPU-profile those apps (or the bare servers: baseline, proxy) during each measured phase
//                                         (files in .tools/bench-profiles; see profile-summary.mjs)
//   OTEL_SDK_DISABLED=true                passed to the apps (telemetry off, for comparison)
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { benchProfiler, benchReplicas, children, cpuSnapshot, cpuSplit, formatCpu, formatTable, log, root, sleep } from './lib.mjs';
import { Api } from './client.mjs';
import { getOrganization } from './scenarios/get-organization.mjs';
import { baseline, ratioRow, twoHopBaseline } from './scenarios/baseline.mjs';
import { postOrganization } from './scenarios/post-organization.mjs';
import { eventVisibility } from './scenarios/event-visibility.mjs';

const require = createRequire(import.meta.url);
// kafkajs's admin client trips Node 24's TimeoutNegativeWarning; it is harmless noise here.
process.removeAllListeners('warning');
process.on('warning', (w) => w.name !== 'TimeoutNegativeWarning' && log(`warning: ${w.message}`));
const { Stack } = require(join(root, 'libs/platform/dist/stack/index.js'));
const { ALL_DOMAIN_TOPICS } = require(join(root, 'libs/contracts/dist/index.js'));

const PORT_OFFSET = 20000;
const DB_PREFIX = 'wos_bench';
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const REDIS_URL = 'redis://127.0.0.1:6379/5';
const { databaseConfigSchema } = require(join(root, 'libs/platform/dist/index.js'));
const SEED_ORGS = 100;

const only = new Set((process.env.BENCH_ONLY ?? 'get,baseline,hop,post,events').split(',').map((s) => s.trim()));
const profiler = benchProfiler(['gateway', 'organizations']);
const runId = randomBytes(4).toString('hex');

function machineHeader(versions) {
  const model = cpus()[0]?.model ?? 'unknown';
  const nproc = execSync('nproc').toString().trim();
  return [
    `WOS benchmark ${new Date().toISOString()}  run ${runId}`,
    `machine: ${nproc} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; the load generator (wrk, 1 thread) shares the cores with the services`,
    `node ${process.version}, ${versions.postgres}, kafka ${versions.kafka}, ${versions.wrk}`,
  ].join('\n');
}

async function versions() {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  const { rows } = await client.query('SHOW server_version');
  await client.end();
  let kafka = 'unknown';
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const m = cmd.includes('kafka.Kafka') && cmd.includes('.tools/kafka/server.properties') && /kafka\/(\d+\.\d+\.\d+)\/libs/.exec(cmd);
      if (m) kafka = m[1];
    } catch {
      // process gone
    }
  }
  const wrk = execSync('wrk -v 2>&1 || true').toString().split('\n')[0].replace(/ Copyright.*/, '');
  return { postgres: `postgres ${rows[0].server_version.split(' ')[0]}`, kafka, wrk };
}

function kafkaAdmin() {
  return new Kafka({ clientId: `bench-${runId}`, brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
}

/** Removes this run's consumer group from the shared broker (best effort). */
async function deleteConsumerGroup(groupId) {
  const admin = kafkaAdmin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (err) {
    log(`could not delete consumer group ${groupId}: ${err.message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Waits until the events service's consumer group has read every domain topic to its end. */
async function waitForConsumer(groupId, timeoutMs) {
  const admin = kafkaAdmin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let lag = 0;
      for (const topic of ALL_DOMAIN_TOPICS) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        for (const p of ends) {
          const c = committed?.partitions.find((x) => x.partition === p.partition);
          const at = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(p.low);
          lag += Number(p.high) - at;
        }
      }
      if (lag === 0) return;
      if (Date.now() > deadline) throw new Error(`events consumer still ${lag} messages behind after ${timeoutMs} ms`);
      log(`events consumer is ${lag} messages behind; waiting`);
      await sleep(2000);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Creates one organization and waits for its event: the cursor the visibility scenario starts from. */
async function syncEventCursor(api, timeoutMs) {
  const { body: org } = await api.expect(201, 'POST', '/organizations', { name: `cursor ${runId}` });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await api.expect(200, 'GET', `/events?events=organization.created&organization_id=${org.id}&limit=1`);
    if (body.data.length) return body.data[0].id;
    await sleep(20);
  }
  throw new Error(`organization.created for ${org.id} not listed after ${timeoutMs} ms`);
}

async function seedOrganizations(api, pathsFile) {
  const ids = [];
  for (let i = 0; i < SEED_ORGS; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, SEED_ORGS - i) }, (_, j) =>
        api.expect(201, 'POST', '/organizations', {
          name: `seed ${runId} ${i + j}`,
          domain_data: [
            { domain: `s${i + j}-${runId}.example.com`, state: 'verified' },
            { domain: `s${i + j}-${runId}.example.org`, state: 'pending' },
          ],
        }),
      ),
    );
    ids.push(...batch.map((r) => r.body.id));
  }
  writeFileSync(pathsFile, ids.map((id) => `/organizations/${id}\n`).join(''));
  // Every path answers 200 before load starts.
  for (const id of ids.slice(0, 3)) await api.expect(200, 'GET', `/organizations/${id}`);
}

async function main() {
  const v = await versions();
  const header = machineHeader(v);
  log(header.replace(/\n/g, '\n[bench] '));

  const groupId = `events-bench-${runId}`;
  const env = { LOG_LEVEL: 'warn' };
  if (process.env.OTEL_SDK_DISABLED) env.OTEL_SDK_DISABLED = process.env.OTEL_SDK_DISABLED;
  // No path rules: the visibility poller asks GET /events every 5 ms while it waits, above the
  // default rule's 100/s per environment, and a refused poll stalled it for the rule's window.
  // The API key's own limit still runs on every request.
  const appEnv = profiler.appEnv({ events: { KAFKA_GROUP_ID: groupId }, 'api-gateway': { RATE_LIMIT_RULES: '[]' } });
  const stack = new Stack({
    root,
    apps: ['organizations', 'events'],
    portOffset: PORT_OFFSET,
    dbPrefix: DB_PREFIX,
    postgresUrl: POSTGRES_URL,
    kafkaBrokers: KAFKA_BROKERS,
    redisUrl: REDIS_URL,
    internalAuthSecret: randomBytes(32).toString('hex'),
    freshDatabases: true,
    logDir: join(root, '.tools', 'logs', 'bench'),
    env,
    appEnv,
    replicas: benchReplicas(),
  });

  const rows = [];
  const pathsFile = join(root, '.tools', `bench-paths-${runId}.txt`);
  let api;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    log('interrupted; stopping the stack');
    for (const child of children) child.kill('SIGTERM');
    void stack.stop().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    log('starting the stack (gateway, organizations, events)…');
    await stack.start();
    const created = JSON.parse(await stack.runGatewayCli(['environments', 'create', '--name', `bench ${runId}`, '--json']));
    const environmentId = created.environment.id;
    // A per-key limit far above what the run can send: rate limiting runs (one Redis call per
    // request) but never rejects.
    const key = JSON.parse(await stack.runGatewayCli(['api-keys', 'create', '--environment', environmentId, '--name', 'bench', '--rate-limit', '999999999', '--json']));
    api = new Api(stack.baseUrl, key.value);

    log(`seeding ${SEED_ORGS} organizations with two domains each…`);
    await seedOrganizations(api, pathsFile);
    log('waiting for the events consumer to catch up with the domain topics…');
    await waitForConsumer(groupId, 300_000);

    const ctx = {
      stack,
      api,
      runId,
      environmentId,
      apiKey: key.value,
      baseUrl: stack.baseUrl,
      pathsFile,
      // The baseline's pool matches the organizations service's DATABASE_POOL_SIZE.
      poolSize: databaseConfigSchema.shape.DATABASE_POOL_SIZE.parse(stack.appEnv('organizations').DATABASE_POOL_SIZE),
      baselinePort: PORT_OFFSET + 8090, // and + 1 for the two-hop baseline's proxy
      profiler,
      upstreamConnections: Number(stack.appEnv('api-gateway').UPSTREAM_CONNECTIONS ?? 128),
      connections: 32,
      warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
      getSeconds: Number(process.env.BENCH_GET_SECONDS ?? 15),
      postSeconds: Number(process.env.BENCH_POST_SECONDS ?? 10),
      async measure(label, fn) {
        await profiler.on(label);
        const a = cpuSnapshot(DB_PREFIX);
        const r = await fn();
        const b = cpuSnapshot(DB_PREFIX);
        await profiler.off(label);
        const cpu = formatCpu(cpuSplit(a, b));
        log(`${label}: ${JSON.stringify({ ...r, errorDetail: undefined })} cpu: ${cpu}`);
        return { ...r, cpu };
      },
    };

    let get;
    if (only.has('get')) {
      log('scenario: GET /organizations/:id via the gateway');
      rows.push((get = await getOrganization(ctx)));
    }
    if (only.has('baseline')) {
      log('scenario: baseline (bare Fastify + pg)');
      const base = await baseline(ctx);
      rows.push(base);
      if (get) rows.push(ratioRow(get, base));
      if (only.has('hop')) {
        log('scenario: two-hop baseline (bare proxy → bare Fastify + pg)');
        const hop = await twoHopBaseline(ctx);
        rows.push(hop, ratioRow(hop, base, 'two-hop baseline / baseline: the ceiling of a proxied design', null));
        if (get) rows.push(ratioRow(get, hop, 'gateway / two-hop baseline', null));
      }
    }
    if (only.has('post')) {
      log('scenario: POST /organizations via the gateway');
      rows.push(await postOrganization(ctx));
    }
    if (only.has('events')) {
      log('waiting for the events consumer to catch up before measuring visibility…');
      await waitForConsumer(groupId, 300_000);
      ctx.eventCursor = await syncEventCursor(api, 60_000);
      log('scenario: event visibility');
      const vis = await eventVisibility(ctx);
      log(`visibility poller: ${vis.polls} polls, ${vis.pollErrors} failed`);
      rows.push(...vis.rows);
    }
  } catch (err) {
    log(`benchmark aborted: ${err instanceof Error ? err.stack : err}`);
    rows.push({ name: `aborted: ${err instanceof Error ? err.message.split('\n')[0] : err}`, target: '-' });
  } finally {
    await api?.close().catch(() => undefined);
    if (!interrupted) {
      await stack.stop();
      await deleteConsumerGroup(groupId);
    }
    rmSync(pathsFile, { force: true });
  }

  const note =
    'CPU: per process group during the measured phase, in % of one core (the machine has 2); wrk is the load generator,\n' +
    'bench is this script (the event poller), other is everything else running on the machine meanwhile.';
  process.stdout.write(`${header}\n\n${formatTable(rows)}\n${note}\n`);
}

await main();
