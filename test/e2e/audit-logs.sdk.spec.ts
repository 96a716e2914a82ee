import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { BadRequestException, GenericServerException, NotFoundException, UnprocessableEntityException, WorkOS } from '@workos-inc/node';
import { auditLogOcsfSchema, auditLogSiemMessageSchema, Topic } from '@wos/contracts';
import { newId } from '@wos/platform';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectSdkError, startE2e, type E2e } from '../support/e2e-stack';

const DAY = 86_400_000;
const CLI = join(__dirname, '..', '..', '..', 'apps', 'audit-logs', 'dist', 'src', 'cli.js');
const execCli = async (args: string[]) => (await promisify(execFile)(process.execPath, [CLI, ...args], { timeout: 60_000 })).stdout;

interface SiemMessage {
  key: string;
  value: { id: string; event: string; environment_id: string; data: { id: string; organization_id: string; action: string; version: number | null; metadata?: Record<string, unknown> } };
}

function event(action: string, over: Record<string, unknown> = {}) {
  return {
    action,
    occurredAt: new Date(),
    actor: { id: 'user_1', type: 'user', name: 'Jon Smith', metadata: { role: 'admin' } },
    targets: [{ id: 'team_1', type: 'team', name: 'Team 1' }],
    context: { location: '203.0.113.7', userAgent: 'Chrome/104.0.0.0' },
    metadata: { extra: 'data' },
    ...over,
  };
}

/** The field names of a BadRequestException's errors[]. */
function fields(err: BadRequestException): string[] {
  return ((err.errors ?? []) as { field: string }[]).map((e) => e.field).sort();
}

describe('Audit Logs through the WorkOS SDK', () => {
  let e: E2e;
  let db: Client;
  let consumer: Consumer;
  const siem: SiemMessage[] = [];
  const ocsf: { key: string; value: unknown }[] = [];
  const run = uniqueSuffix();
  const action = (name: string) => `${name}.${run}`;
  const exportDir = mkdtempSync(join(tmpdir(), 'audit-exports-'));

  before(async () => {
    e = await startE2e({
      name: 'audit-logs-sdk',
      portOffset: 6500,
      apps: ['audit-logs'],
      appEnv: {
        'audit-logs': {
          AUDIT_LOGS_MAINTENANCE_INTERVAL_MS: '300',
          AUDIT_LOGS_PRUNE_BATCH_SIZE: '2',
          AUDIT_LOGS_EXPORT_DIR: exportDir,
          AUDIT_LOGS_CHECKPOINT_INTERVAL_MS: '300',
        },
      },
    });
    db = new Client({ connectionString: e.stack.databaseUrl('audit-logs') });
    await db.connect();
    // A SIEM's view: a plain kafkajs consumer of the topic, nothing of ours in between.
    const kafka = new Kafka({ clientId: `siem-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `siem-e2e-${run}` });
    // From the topics' ends as they are now (a shared broker holds earlier runs' messages), by
    // offset: every message this file causes is read, and none from before.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await Promise.all([Topic.auditLogs, Topic.auditLogsOcsf].map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
    await admin.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topics: [Topic.auditLogs, Topic.auditLogsOcsf], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = JSON.parse(message.value!.toString());
        if (topic === Topic.auditLogsOcsf) ocsf.push({ key: message.key!.toString(), value });
        else siem.push({ key: message.key!.toString(), value: value as SiemMessage['value'] });
      },
    });
    for (const { topic, partitions } of ends) for (const p of partitions) consumer.seek({ topic, partition: p.partition, offset: p.offset });
  });
  after(async () => {
    await consumer?.disconnect();
    await db?.end();
    await e?.stop();
    rmSync(exportDir, { recursive: true, force: true });
  });

  /** `wos audit-logs fetch-export` then `verify`, as a customer runs them: the exit status and output. */
  const verifyExport = async (exportId: string, tamper?: (csv: string) => string): Promise<{ code: number; out: string }> => {
    await waitFor(async () => (await e.workos.auditLogs.getExport(exportId)).state === 'ready', { timeoutMs: 30_000, message: `export ${exportId} ready` });
    const dir = mkdtempSync(join(exportDir, 'verify-'));
    await execCli(['fetch-export', exportId, '--dir', dir, '--api-url', e.baseUrl, '--api-key', e.creds.api_key]);
    const csv = join(dir, `${exportId}.csv`);
    if (tamper) writeFileSync(csv, tamper(readFileSync(csv, 'utf8')));
    try {
      return { code: 0, out: await execCli(['verify', '--export', csv, '--checkpoints', join(dir, `${exportId}.chain.jsonl`), '--keys', join(dir, 'audit-log-chain-keys.json')]) };
    } catch (err) {
      const x = err as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout + x.stderr };
    }
  };

  const stored = async (organizationId: string) =>
    (await db.query<{ id: string; action: string; version: number | null; tableoid: string }>('SELECT id, action, version, tableoid::regclass::text AS tableoid FROM audit_log_events WHERE organization_id = $1 ORDER BY created_at', [organizationId])).rows;

  test('createEvent stores the event in its month partition and publishes it on the SIEM topic, keyed by organization', async () => {
    const org = newId('org');
    await e.workos.auditLogs.createEvent(org, event(action('user.signed_in')));
    const rows = await stored(org);
    assert.equal(rows.length, 1);
    const now = new Date();
    assert.equal(rows[0]!.tableoid, `audit_log_events_p${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`);
    const msg = await waitFor(() => siem.find((m) => m.value.event === 'audit_log_event.created' && m.value.data?.organization_id === org), { timeoutMs: 30_000, message: 'the event on audit-logs.events.v1' });
    assert.equal(msg.key, org);
    assert.equal(msg.value.event, 'audit_log_event.created');
    assert.equal(msg.value.environment_id, e.creds.environment_id);
    // The documented contract (docs/schemas/audit-logs.events.v1.schema.json is rendered from it).
    const parsed = auditLogSiemMessageSchema.parse(msg.value);
    assert.ok(parsed.event === 'audit_log_event.created');
    const { data } = parsed;
    assert.equal(data.id, rows[0]!.id);
    assert.deepEqual(data.context, { location: '203.0.113.7', user_agent: 'Chrome/104.0.0.0' });
    assert.deepEqual(data.metadata, { extra: 'data' });
    // The same event as OCSF on its own topic, keyed the same way.
    const o = await waitFor(() => ocsf.find((m) => (m.value as { metadata?: { uid?: string } }).metadata?.uid === rows[0]!.id), { timeoutMs: 30_000, message: 'the event on audit-logs.ocsf.v1' });
    assert.equal(o.key, org);
    const rendered = auditLogOcsfSchema.parse(o.value);
    assert.deepEqual([rendered.class_uid, rendered.activity_id, rendered.status_id], [3002, 1, 1], 'user.signed_in is an OCSF Authentication Logon');
    assert.equal(rendered.metadata.tenant_uid, org);
    assert.deepEqual(rendered.src_endpoint, { ip: '203.0.113.7' });
  });

  test('WorkOS field rules: each refusal is a 400 naming its field, and nothing is stored', async () => {
    const org = newId('org');
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    const cases: [Record<string, unknown>, string[]][] = [
      [{ actor: { type: 'user' } }, ['event.actor.id']],
      [{ metadata: tooMany }, ['event.metadata']],
      [{ metadata: { ['k'.repeat(41)]: 'v' } }, [`event.metadata.${'k'.repeat(41)}`]],
      [{ metadata: { note: 'x'.repeat(501) } }, ['event.metadata.note']],
      [{ targets: [{ id: 't', type: 'team', metadata: { nested: { a: 1 } } }] }, ['event.targets.0.metadata.nested']],
      [{ context: { location: '' } }, ['event.context.location']],
      [{ occurredAt: new Date(Date.now() - 400 * DAY) }, ['event.occurred_at']],
      [{ occurredAt: new Date(Date.now() + 3 * DAY) }, ['event.occurred_at']],
    ];
    for (const [over, expected] of cases) {
      const err = await expectSdkError(e.workos.auditLogs.createEvent(org, event(action('bad'), over) as never), BadRequestException, 400);
      assert.equal(err.code, 'invalid_audit_log', JSON.stringify(over));
      assert.deepEqual(fields(err), expected, JSON.stringify(over));
    }
    const bad = await expectSdkError(e.workos.auditLogs.createEvent('not-an-org', event(action('bad'))), BadRequestException, 400);
    assert.deepEqual(fields(bad), ['organization_id']);
    assert.equal((await stored(org)).length, 0);
  });

  test('idempotent retries: the SDK retrying after a lost response, a replayed key, both kept by the service alone', async () => {
    const org = newId('org');
    // The first attempt reaches the stack, but its response is lost: the SDK retries with the same Idempotency-Key.
    let attempts = 0;
    const keys: string[] = [];
    const flaky: typeof fetch = async (input, init) => {
      keys.push(new Headers(init?.headers).get('idempotency-key') ?? '');
      const res = await fetch(input, init);
      if (++attempts === 1) return new Response(JSON.stringify({ message: 'lost' }), { status: 502, headers: { 'content-type': 'application/json' } });
      return res;
    };
    const retrying = e.client(undefined, { maxRetries: 2, fetchFn: flaky });
    await retrying.auditLogs.createEvent(org, event(action('retry')));
    assert.equal(attempts, 2);
    assert.match(keys[0]!, /^workos-node-/);
    assert.equal(keys[0], keys[1]);
    assert.equal((await stored(org)).length, 1);

    // A caller's own key, sent twice: one event.
    const ev = event(action('own_key'));
    await e.workos.auditLogs.createEvent(org, ev, { idempotencyKey: `k-${run}` });
    await e.workos.auditLogs.createEvent(org, ev, { idempotencyKey: `k-${run}` });
    assert.equal((await stored(org)).length, 2);

    // The service alone keeps the record (the gateway's SERVICE_IDEMPOTENT_CREATES): with every
    // gateway record gone (only those: BullMQ shares the server), a replay is answered by the
    // service, marked as the gateway marks its own replays.
    const redis = new Redis(e.redisUrl);
    const earlier = await redis.keys('*idem:*');
    if (earlier.length) await redis.del(...earlier);
    const replayHeaders: (string | null)[] = [];
    const watching = e.client(undefined, {
      fetchFn: async (input, init) => {
        const res = await fetch(input, init);
        replayHeaders.push(res.headers.get('idempotent-replayed'));
        return res;
      },
    });
    await watching.auditLogs.createEvent(org, ev, { idempotencyKey: `k-${run}` });
    assert.deepEqual(replayHeaders, ['true']);
    assert.equal((await stored(org)).length, 2);
    await watching.auditLogs.createEvent(org, event(action('fresh')), { idempotencyKey: `fresh-${run}` });
    assert.deepEqual(replayHeaders, ['true', null], 'a first use is not a replay');
    assert.equal((await stored(org)).length, 3);
    assert.deepEqual(await redis.keys('*idem:*'), [], 'the gateway kept no record of these keys');
    await redis.quit();
    const reused = await expectSdkError(e.workos.auditLogs.createEvent(org, event(action('other')), { idempotencyKey: `k-${run}` }), GenericServerException, 400);
    assert.equal(reused.code, 'idempotency_key_reused');
    assert.match(reused.message, /already used with a different request/);
    assert.equal((await stored(org)).length, 3);
  });

  test('schemas: versions per action, events checked against the version they name (default latest), refusals naming the field', async () => {
    const act = action('document.shared');
    const v1 = await e.workos.auditLogs.createSchema({ action: act, actor: { metadata: { role: 'string' } }, targets: [{ type: 'document', metadata: { pages: 'number' } }], metadata: { reason: 'string' } });
    assert.equal(v1.object, 'audit_log_schema');
    assert.equal(v1.version, 1);
    assert.deepEqual(v1.targets, [{ type: 'document', metadata: { pages: 'number' } }]);
    assert.deepEqual(v1.actor, { metadata: { role: 'string' } });
    assert.deepEqual(v1.metadata, { reason: 'string' });
    const v2 = await e.workos.auditLogs.createSchema({ action: act, targets: [{ type: 'document' }, { type: 'user' }] });
    assert.equal(v2.version, 2);

    const page1 = await e.workos.auditLogs.listSchemas(act, { limit: 1 });
    assert.deepEqual(page1.data.map((s) => s.version), [2]);
    assert.equal(page1.listMetadata.after, '2');
    const all = await (await e.workos.auditLogs.listSchemas(act)).autoPagination();
    assert.deepEqual(all.map((s) => s.version), [2, 1]);
    const page2 = await e.workos.auditLogs.listSchemas(act, { limit: 1, after: '2' });
    assert.deepEqual(page2.data.map((s) => s.version), [1]);

    const org = newId('org');
    const doc = { id: 'doc_1', type: 'document', metadata: { pages: 3 } };
    const base = { actor: { id: 'user_1', type: 'user', metadata: { role: 'admin' } }, targets: [doc], metadata: { reason: 'review' } };
    const refused: [Record<string, unknown>, string, string][] = [
      [{ version: 1, targets: [{ id: 'u', type: 'user' }] }, 'event.targets.0.type', 'target_type_not_in_schema'],
      [{ version: 1, targets: [{ ...doc, metadata: { pages: 'three' } }] }, 'event.targets.0.metadata.pages', 'metadata_type_mismatch'],
      [{ version: 1, metadata: { why: 'x' } }, 'event.metadata.why', 'metadata_key_not_in_schema'],
      [{ version: 1, actor: { id: 'user_1', type: 'user', metadata: { role: 7 } } }, 'event.actor.metadata.role', 'metadata_type_mismatch'],
      [{ version: 9 }, 'event.version', 'schema_version_not_found'],
      // No version: the latest (2) applies, which has no `team` target.
      [{ targets: [{ id: 't', type: 'team' }] }, 'event.targets.0.type', 'target_type_not_in_schema'],
    ];
    for (const [over, field, code] of refused) {
      const err = await expectSdkError(e.workos.auditLogs.createEvent(org, event(act, { ...base, ...over }) as never), BadRequestException, 400);
      assert.deepEqual(err.errors, [{ field, code, message: (err.errors as { message: string }[])[0]!.message }], JSON.stringify(over));
    }
    await e.workos.auditLogs.createEvent(org, event(act, { ...base, version: 1 }));
    await e.workos.auditLogs.createEvent(org, event(act, { ...base, targets: [{ id: 'u', type: 'user' }] }));
    assert.deepEqual((await stored(org)).map((r) => r.version), [1, 2]);

    const bad = await expectSdkError(e.workos.auditLogs.createSchema({ action: act, targets: [] }), UnprocessableEntityException, 422);
    assert.match(bad.message, /targets/);
  });

  test('environments are isolated: schemas, idempotency keys and retention', async () => {
    const act = action('env.checked');
    await e.workos.auditLogs.createSchema({ action: act, targets: [{ type: 'team' }] });
    const other = await e.createEnvironment(`audit-other-${run}`);
    const b: WorkOS = e.client(other.api_key);
    assert.deepEqual((await b.auditLogs.listSchemas(act)).data, []);
    // Environment B has no schema for the action, so a target A's schema would refuse is accepted.
    const org = newId('org');
    const ev = event(act, { targets: [{ id: 'u', type: 'user' }] });
    await expectSdkError(e.workos.auditLogs.createEvent(org, ev), BadRequestException, 400);
    await b.auditLogs.createEvent(org, ev, { idempotencyKey: `shared-${run}` });
    await e.workos.auditLogs.createEvent(org, event(act), { idempotencyKey: `shared-${run}` });
    const rows = (await db.query<{ environment_id: string }>('SELECT environment_id FROM audit_log_events WHERE organization_id = $1', [org])).rows;
    assert.deepEqual(rows.map((r) => r.environment_id).sort(), [e.creds.environment_id, other.environment_id].sort());

    await e.workos.auditLogs.updateOrganizationAuditLogsRetention({ id: org, retentionPeriod: '1_MONTH' });
    assert.equal((await e.workos.auditLogs.getOrganizationAuditLogsRetention({ id: org })).retentionPeriodInDays, 30);
    assert.equal((await b.auditLogs.getOrganizationAuditLogsRetention({ id: org })).retentionPeriodInDays, 365);
  });

  test('retention: get and update through the SDK, the allowed set, and the job that prunes and drops partitions', async () => {
    const short = newId('org');
    const long = newId('org');
    assert.deepEqual(await e.workos.auditLogs.getOrganizationAuditLogsRetention({ id: short }), { retentionPeriodInDays: 365 });
    assert.deepEqual(await e.workos.auditLogs.updateOrganizationAuditLogsRetention({ id: short, retentionPeriod: '1_MONTH' }), { retentionPeriodInDays: 30 });
    assert.deepEqual(await e.workos.auditLogs.updateOrganizationAuditLogsRetention({ id: long, retentionPeriod: '1_YEAR' }), { retentionPeriodInDays: 365 });
    const refused = await expectSdkError(e.workos.auditLogs.updateOrganizationAuditLogsRetention({ id: short, retentionPeriod: '3_MONTHS' }), UnprocessableEntityException, 422);
    assert.match(refused.message, /retention_period_not_allowed/);
    await expectSdkError(e.workos.auditLogs.getOrganizationAuditLogsRetention({ id: 'nope' }), NotFoundException, 404);
    assert.equal((await e.workos.auditLogs.getOrganizationAuditLogsRetention({ id: short })).retentionPeriodInDays, 30);

    // Five old events each (more than one prune batch of 2), and one recent event for the short-retention organization.
    for (const org of [short, long]) {
      for (let i = 0; i < 5; i++) await e.workos.auditLogs.createEvent(org, event(action('old'), { occurredAt: new Date(Date.now() - 40 * DAY - i * 1000) }));
    }
    await e.workos.auditLogs.createEvent(short, event(action('recent')));
    // A month older than any retention, written as it would have been 400 days ago.
    const old = new Date(Date.now() - 400 * DAY);
    const name = `audit_log_events_p${old.getUTCFullYear()}${String(old.getUTCMonth() + 1).padStart(2, '0')}`;
    const from = new Date(Date.UTC(old.getUTCFullYear(), old.getUTCMonth(), 1));
    const to = new Date(Date.UTC(old.getUTCFullYear(), old.getUTCMonth() + 1, 1));
    await db.query(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF audit_log_events FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`);
    await db.query(
      `INSERT INTO audit_log_events (id, environment_id, organization_id, action, occurred_at, actor, targets, context) VALUES ($1, $2, $3, 'ancient', $4, '{}', '[]', '{}')`,
      [newId('audit_log_event'), e.creds.environment_id, long, old],
    );

    await waitFor(async () => (await stored(short)).length === 1, { timeoutMs: 30_000, message: 'the short-retention organization pruned to its recent event' });
    assert.deepEqual((await stored(short)).map((r) => r.action), [action('recent')]);
    await waitFor(async () => !(await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [name])).rowCount, { timeoutMs: 30_000, message: `${name} dropped` });
    assert.equal((await stored(long)).length, 5, 'a 365-day organization keeps its 40-day-old events');
    // The pruned events were chain positions 1..5: a signed truncation checkpoint covers them, and
    // the chain still verifies from it.
    // (The job runs every 300 ms, so it may have pruned and truncated part of them first.)
    await waitFor(
      async () => (await db.query<{ seq: string }>("SELECT max(seq) AS seq FROM audit_log_checkpoints WHERE organization_id = $1 AND kind = 'truncation'", [short])).rows[0]?.seq === '5',
      { timeoutMs: 30_000, message: 'a truncation checkpoint at position 5' },
    );
    assert.deepEqual((await db.query('SELECT seq FROM audit_log_chain WHERE organization_id = $1 ORDER BY seq', [short])).rows.map((r) => r.seq), ['6']);
    const exp = await e.workos.auditLogs.createExport({ organizationId: short, rangeStart: new Date(Date.now() - 365 * DAY), rangeEnd: new Date() });
    const v = await verifyExport(exp.id);
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /verified: 1 rows, chain positions 5\.\.6/);
    // Partitions are kept ready ahead of the current month.
    const next = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 3, 1));
    const ahead = `audit_log_events_p${next.getUTCFullYear()}${String(next.getUTCMonth() + 1).padStart(2, '0')}`;
    assert.equal((await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [ahead])).rowCount, 1);
  });

  test('exports: a job writes the CSV, getExport links it, the link downloads it without a key; filters, organizations and environments stay apart', async () => {
    const x = newId('org');
    const y = newId('org');
    const t0 = Date.now() - 60_000;
    const ev = (i: number, over: Record<string, unknown>) => event(action('exp'), { occurredAt: new Date(t0 + i * 1000), ...over });
    await e.workos.auditLogs.createEvent(x, ev(0, { action: action('doc.viewed'), actor: { id: 'user_a', type: 'user', name: 'Ann, "A"' } }));
    await e.workos.auditLogs.createEvent(x, ev(1, { action: action('doc.deleted'), actor: { id: 'user_b', type: 'user', name: 'Bob' }, targets: [{ id: 'doc_1', type: 'document' }] }));
    await e.workos.auditLogs.createEvent(x, ev(2, { action: action('doc.viewed'), actor: { id: 'user_b', type: 'user', name: 'Bob' }, metadata: { note: 'line\nbreak' } }));
    await e.workos.auditLogs.createEvent(y, ev(3, {}));
    const other = await e.createEnvironment(`audit-exports-${run}`);
    const b = e.client(other.api_key);
    await b.auditLogs.createEvent(x, ev(4, { action: action('doc.viewed') }));
    const rangeStart = new Date(t0 - 1000);
    const rangeEnd = new Date();

    const ready = async (client: WorkOS, id: string) =>
      waitFor(async () => {
        const got = await client.auditLogs.getExport(id);
        return got.state === 'ready' ? got : undefined;
      }, { timeoutMs: 30_000, message: `export ${id} ready` });
    const download = async (url: string) => {
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      const rows = parseCsv(await res.text());
      assert.deepEqual(rows[0], ['id', 'occurred_at', 'action', 'version', 'actor_id', 'actor_type', 'actor_name', 'actor_metadata', 'targets', 'location', 'user_agent', 'metadata', 'chain_seq']);
      return rows.slice(1);
    };
    const idsOf = async (org: string, envId = e.creds.environment_id) =>
      (await db.query<{ id: string }>('SELECT id FROM audit_log_events WHERE organization_id = $1 AND environment_id = $2 ORDER BY occurred_at, id', [org, envId])).rows.map((r) => r.id);

    const created = await e.workos.auditLogs.createExport({ organizationId: x, rangeStart, rangeEnd });
    assert.equal(created.object, 'audit_log_export');
    assert.match(created.id, /^audit_log_export_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(created.state, 'pending');
    assert.equal(created.url, undefined);
    const done = await ready(e.workos, created.id);
    assert.ok(done.url!.startsWith(`${e.baseUrl}/audit_logs/downloads/`), done.url);
    const all = await download(done.url!);
    assert.deepEqual(all.map((r) => r[0]), await idsOf(x));
    assert.deepEqual(all.map((r) => r[2]), [action('doc.viewed'), action('doc.deleted'), action('doc.viewed')]);
    assert.equal(all[0]![6], 'Ann, "A"');
    assert.deepEqual(JSON.parse(all[1]![8]!), [{ id: 'doc_1', type: 'document' }]);
    assert.deepEqual(JSON.parse(all[2]![11]!), { note: 'line\nbreak' });
    assert.equal(all[0]![9], '203.0.113.7');

    const filtered = async (opts: Record<string, string[]>) => download((await ready(e.workos, (await e.workos.auditLogs.createExport({ organizationId: x, rangeStart, rangeEnd, ...opts })).id)).url!);
    assert.equal((await filtered({ actions: [action('doc.deleted')] })).length, 1);
    assert.equal((await filtered({ actorIds: ['user_b'] })).length, 2);
    assert.equal((await filtered({ actorNames: ['Ann, "A"'] })).length, 1);
    assert.equal((await filtered({ targets: ['document'] })).length, 1);
    assert.equal((await filtered({ targets: ['team'] })).length, 2);

    // Another organization, another environment: their own events only.
    assert.deepEqual((await download((await ready(e.workos, (await e.workos.auditLogs.createExport({ organizationId: y, rangeStart, rangeEnd })).id)).url!)).map((r) => r[0]), await idsOf(y));
    await expectSdkError(b.auditLogs.getExport(created.id), NotFoundException, 404);
    const inB = await ready(b, (await b.auditLogs.createExport({ organizationId: x, rangeStart, rangeEnd })).id);
    assert.deepEqual((await download(inB.url!)).map((r) => r[0]), await idsOf(x, other.environment_id));

    // The link is the credential: altered, it is refused; every getExport issues a fresh one.
    const tampered = done.url!.slice(0, -3) + (done.url!.endsWith('AAA') ? 'BBB' : 'AAA');
    assert.equal((await fetch(tampered)).status, 404);
    const again = await e.workos.auditLogs.getExport(created.id);
    assert.notEqual(again.url, done.url);
    assert.equal((await download(again.url!)).length, 3);

    await expectSdkError(e.workos.auditLogs.getExport('audit_log_export_nope'), NotFoundException, 404);
    await expectSdkError(e.workos.auditLogs.createExport({ organizationId: x, rangeStart: rangeEnd, rangeEnd: rangeStart }), UnprocessableEntityException, 422);
  });

  test('the hash chain: concurrent writers get one gapless order, checkpoints reach the SIEM topic, and the offline verifier proves an export or names the tampering', async () => {
    const org = newId('org');
    // A backdated event first (outside the export's range later), then 40 writers at once.
    await e.workos.auditLogs.createEvent(org, event(action('chain'), { occurredAt: new Date(Date.now() - 2 * DAY) }));
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => e.workos.auditLogs.createEvent(org, event(action('chain'), { occurredAt: new Date(t0 - i * 10), metadata: { i } }))));
    const seqs = (await db.query<{ chain_seq: string }>('SELECT chain_seq FROM audit_log_events WHERE organization_id = $1 ORDER BY chain_seq', [org])).rows.map((r) => Number(r.chain_seq));
    assert.deepEqual(seqs, Array.from({ length: 41 }, (_, i) => i + 1), 'positions 1..41, each once');

    // The scheduler signs the head; the checkpoint follows the events on the SIEM topic, keyed by organization.
    const cp = await waitFor(() => siem.find((m) => m.value.event === 'audit_log_checkpoint.created' && m.value.data.organization_id === org && (m.value.data as unknown as { seq: number }).seq === 41), { timeoutMs: 30_000, message: 'a head checkpoint at 41' });
    assert.equal(cp.key, org);
    const parsed = auditLogSiemMessageSchema.parse(cp.value);
    assert.ok(parsed.event === 'audit_log_checkpoint.created');
    const head = (await db.query<{ hash: Buffer }>('SELECT hash FROM audit_log_chain_heads WHERE organization_id = $1', [org])).rows[0]!;
    assert.equal(parsed.data.hash, head.hash.toString('hex'));
    // The keys are public (no API key), a JWKS of Ed25519 keys.
    const jwks = (await (await fetch(`${e.baseUrl}/audit_logs/chain/keys`)).json()) as { keys: { kty: string; crv: string; kid: string }[] };
    assert.ok(jwks.keys.some((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.kid === parsed.data.key_id));
    const listed = (await (await fetch(`${e.baseUrl}/audit_logs/chain/checkpoints?organization_id=${org}`, { headers: { authorization: `Bearer ${e.creds.api_key}` } })).json()) as { data: { seq: number }[] };
    assert.ok(listed.data.some((c) => c.seq === 41));

    const range = { organizationId: org, rangeStart: new Date(t0 - 60_000), rangeEnd: new Date() };
    const good = await verifyExport((await e.workos.auditLogs.createExport(range)).id);
    assert.equal(good.code, 0, good.out);
    assert.match(good.out, /verified: 40 rows, chain positions 0\.\.41/);
    assert.match(good.out, /complete/);
    assert.match(good.out, /1 chain entries lie outside/);

    // Tampering with the file: a row deleted, a row inserted, two rows swapped, a cell edited.
    const lines = (csv: string) => csv.split('\r\n');
    const exportId = (await e.workos.auditLogs.createExport(range)).id;
    const cases: [string, (csv: string) => string, RegExp][] = [
      ['deleted', (c) => lines(c).filter((_, i) => i !== 5).join('\r\n'), /not in the CSV \(deleted row\?\)/],
      ['inserted', (c) => { const l = lines(c); l.splice(3, 0, l[3]!); return l.join('\r\n'); }, /appears twice/],
      ['reordered', (c) => { const l = lines(c); [l[2], l[7]] = [l[7]!, l[2]!]; return l.join('\r\n'); }, /out of order/],
      ['edited', (c) => c.replace('Jon Smith', 'Jon Smyth'), /was altered/],
    ];
    for (const [name, tamper, problem] of cases) {
      const r = await verifyExport(exportId, tamper);
      assert.equal(r.code, 1, `${name}: ${r.out}`);
      assert.match(r.out, problem, name);
    }

    // Tampering with the database before the export: an edited event, then a deleted one.
    const victim = (await db.query<{ id: string }>('SELECT id FROM audit_log_events WHERE organization_id = $1 AND chain_seq = 20', [org])).rows[0]!.id;
    await db.query(`UPDATE audit_log_events SET metadata = '{"i": 999}' WHERE id = $1`, [victim]);
    const edited = await verifyExport((await e.workos.auditLogs.createExport(range)).id);
    assert.equal(edited.code, 1, edited.out);
    assert.match(edited.out, /chain position 20\) was altered/);
    await db.query('DELETE FROM audit_log_events WHERE id = $1', [victim]);
    await db.query('DELETE FROM audit_log_chain WHERE organization_id = $1 AND seq = 20', [org]);
    const deleted = await verifyExport((await e.workos.auditLogs.createExport(range)).id);
    assert.equal(deleted.code, 1, deleted.out);
    assert.match(deleted.out, /chain entry 20 is missing/);
  });
});

/** RFC 4180 (quoted fields, doubled quotes, CRLF rows, line breaks inside quotes). */
function parseCsv(text: string): string[][] {
  return parse(text) as string[][];
}
