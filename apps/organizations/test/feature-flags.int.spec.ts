import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { featureFlagSchema, listEnvelopeSchema } from '@wos/contracts';
import { findSchemaDrift, internalFetch } from '@wos/platform';
import { createTestDatabase, testInfra, waitFor, type TestDatabase } from '@wos/platform/testing';
import { loadAppConfig } from '../src/config';
import { startOrganizationsService } from '../src/organizations.app';
import { FeatureFlagsRepository } from '../src/feature-flags/feature-flags.repository';
import { FlagPayloadService } from '../src/feature-flags/flag-payload.service';
import { MIGRATIONS, SCHEMA, SECRET } from './support';

const ENV = 'environment_01TESTENVA000000000000000000';
const OTHER = 'environment_01TESTENVB000000000000000000';
const USER = 'user_01HZBC6N1EB1ZY7KG32XAAAAAA';

interface Replica {
  app: NestFastifyApplication;
  port: number;
  call: (env: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any; headers: Headers }>;
  open: (env: string, path: string, headers?: Record<string, string>) => Promise<Response>;
}

async function startReplica(db: TestDatabase, env: Record<string, string> = {}): Promise<Replica> {
  const config = loadAppConfig({ PORT: '0', INTERNAL_AUTH_SECRET: SECRET, DATABASE_URL: db.url, KAFKA_BROKERS: testInfra.kafkaBrokers.join(','), LOG_LEVEL: 'silent', ...env });
  const app = await startOrganizationsService(config);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const open = (env: string, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string, stream = false) =>
    internalFetch(`http://127.0.0.1:${port}${path}`, { key: SECRET, audience: 'organizations', environmentId: env }, { method, headers: { 'content-type': 'application/json', ...headers }, body, stream });
  const call = async (env: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await open(env, path, headers, method, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  // The replica's open() answers as soon as the headers arrive (stream): an SSE stream never ends.
  return { app, port, call, open: (env, path, headers) => open(env, path, headers, 'GET', undefined, true) };
}

/** Reads server-sent events from a fetch body, one `{id, event, data}` per message. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async function (timeoutMs = 5_000): Promise<{ id?: string; event?: string; data?: any }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const msg: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const i = line.indexOf(':');
          msg[line.slice(0, i)] = line.slice(i + 1).trimStart();
        }
        if (!msg.data) continue; // retry directive or heartbeat
        return { id: msg.id, event: msg.event, data: JSON.parse(msg.data) };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no server-sent event in time');
      const chunk = await Promise.race([reader.read(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no server-sent event in time')), left))]);
      if (chunk.done) throw new Error('stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return Object.assign(next, { cancel: () => reader.cancel() });
}

describe('feature flags (two replicas on one database, real Postgres NOTIFY and Kafka outbox)', () => {
  let db: TestDatabase;
  let a: Replica;
  let b: Replica;
  let orgId: string;

  before(async () => {
    db = await createTestDatabase('flags', MIGRATIONS);
    a = await startReplica(db);
    b = await startReplica(db);
    orgId = (await a.call(ENV, 'POST', '/organizations', { name: 'Flagged' })).body.id;
  });
  after(async () => {
    await a?.app.close();
    await b?.app.close();
    await db?.drop();
  });

  async function outboxEvents(): Promise<{ event: string; key: string; data: any }[]> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const r = await c.query(`SELECT payload->>'event' AS event, key, payload->'data' AS data FROM outbox WHERE payload->>'event' LIKE 'flag.%' ORDER BY seq`);
    await c.end();
    return r.rows;
  }

  test('the schema has no drift from its migrations', async () => {
    assert.deepEqual(await findSchemaDrift(SCHEMA, db.url), []);
  });

  test('create, get, list, update, enable, disable, targets, delete: each change with its event, no-ops without one', async () => {
    const created = await a.call(ENV, 'POST', '/feature-flags', { slug: 'new-checkout', description: 'The new checkout', tags: ['checkout'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    featureFlagSchema.parse(created.body);
    assert.match(created.body.id, /^flag_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.deepEqual([created.body.name, created.body.enabled, created.body.default_value], ['new-checkout', false, false]);
    assert.deepEqual((await b.call(ENV, 'GET', '/feature-flags/new-checkout')).body, created.body);
    const list = await b.call(ENV, 'GET', '/feature-flags?order=desc');
    listEnvelopeSchema(featureFlagSchema).parse(list.body);
    assert.deepEqual(list.body.data.map((f: any) => f.slug), ['new-checkout']);

    assert.equal((await a.call(ENV, 'PUT', '/feature-flags/new-checkout/enable', {})).body.enabled, true);
    assert.equal((await a.call(ENV, 'PUT', '/feature-flags/new-checkout/enable', {})).status, 200); // already enabled: no event
    const patched = await a.call(ENV, 'PATCH', '/feature-flags/new-checkout', { name: 'New checkout', default_value: false });
    assert.equal(patched.body.name, 'New checkout');
    assert.equal((await a.call(ENV, 'POST', `/feature-flags/new-checkout/targets/${orgId}`, {})).status, 200);
    assert.equal((await a.call(ENV, 'POST', `/feature-flags/new-checkout/targets/${orgId}`, {})).status, 200); // present: no event
    assert.equal((await a.call(ENV, 'POST', `/feature-flags/new-checkout/targets/${USER}`, {})).status, 200);
    assert.equal((await a.call(ENV, 'DELETE', `/feature-flags/new-checkout/targets/${USER}`)).status, 204);
    assert.equal((await a.call(ENV, 'DELETE', `/feature-flags/new-checkout/targets/${USER}`)).status, 204); // absent: no event
    assert.equal((await a.call(ENV, 'PUT', '/feature-flags/new-checkout/disable', {})).body.enabled, false);

    const events = (await outboxEvents()).filter((e) => e.key === created.body.id);
    assert.deepEqual(events.map((e) => e.event), ['flag.created', 'flag.updated', 'flag.updated', 'flag.rule_updated', 'flag.rule_updated', 'flag.rule_updated', 'flag.updated']);
    for (const e of events) featureFlagSchema.parse(e.data);

    await a.call(ENV, 'POST', '/feature-flags', { slug: 'doomed' });
    assert.equal((await a.call(ENV, 'DELETE', '/feature-flags/doomed')).status, 204);
    assert.equal((await b.call(ENV, 'GET', '/feature-flags/doomed')).status, 404);
    assert.deepEqual((await outboxEvents()).filter((e) => e.data.slug === 'doomed').map((e) => e.event), ['flag.created', 'flag.deleted']);
  });

  test('bad input is a 4xx that writes nothing', async () => {
    const before = (await outboxEvents()).length;
    const cases: [string, string, unknown, number, string?][] = [
      ['POST', '/feature-flags', { slug: 'Bad Slug' }, 422],
      ['POST', '/feature-flags', { slug: 'x'.repeat(129) }, 422],
      ['POST', '/feature-flags', { slug: 'ok-slug', name: 'n'.repeat(256) }, 422],
      ['POST', '/feature-flags', { slug: 'ok-slug', description: 'd'.repeat(2001) }, 422],
      ['POST', '/feature-flags', { slug: 'ok-slug', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 422],
      ['POST', '/feature-flags', { slug: 'ok-slug', unknown: 1 }, 422],
      ['POST', '/feature-flags', { slug: 'new-checkout' }, 409, 'feature_flag_slug_already_in_use'],
      ['PATCH', '/feature-flags/new-checkout', { slug: 'renamed' }, 422],
      ['GET', '/feature-flags/No%20Such', undefined, 404],
      ['PUT', '/feature-flags/missing/enable', {}, 404],
      ['POST', '/feature-flags/new-checkout/targets/conn_01HZBC6N1EB1ZY7KG32XAAAAAA', {}, 422, 'invalid_request_parameters'],
      ['POST', '/feature-flags/new-checkout/targets/user_1', {}, 422],
      ['POST', '/feature-flags/new-checkout/targets/org_01HZBC6N1EB1ZY7KG32XAAAAAA', {}, 404, 'entity_not_found'],
      ['GET', '/organizations/org_01HZBC6N1EB1ZY7KG32XAAAAAA/feature-flags', undefined, 404],
      ['GET', '/user_management/users/not-a-user/feature-flags', undefined, 404],
      ['GET', '/feature-flags?limit=101', undefined, 422],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await a.call(ENV, method, path, body);
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.equal(typeof res.body.message, 'string');
      if (code) assert.equal(res.body.code, code);
    }
    assert.equal((await outboxEvents()).length, before);
  });

  test('another environment sees, changes and targets nothing of this one', async () => {
    assert.equal((await a.call(OTHER, 'GET', '/feature-flags')).body.data.length, 0);
    assert.equal((await a.call(OTHER, 'GET', '/feature-flags/new-checkout')).status, 404);
    assert.equal((await a.call(OTHER, 'PUT', '/feature-flags/new-checkout/enable', {})).status, 404);
    assert.equal((await a.call(OTHER, 'POST', `/feature-flags/new-checkout/targets/${USER}`, {})).status, 404);
    assert.equal((await a.call(OTHER, 'DELETE', '/feature-flags/new-checkout')).status, 404);
    // Its own flag may target this environment's organization only if the organization were its own.
    await a.call(OTHER, 'POST', '/feature-flags', { slug: 'new-checkout', enabled: true });
    assert.equal((await a.call(OTHER, 'POST', `/feature-flags/new-checkout/targets/${orgId}`, {})).status, 404);
    assert.deepEqual(await (await a.open(OTHER, '/sdk/feature-flags')).json(), { 'new-checkout': { slug: 'new-checkout', enabled: true, default_value: false, targets: { users: [], organizations: [] } } });
    assert.equal((await a.call(ENV, 'GET', '/feature-flags/new-checkout')).body.enabled, false);
  });

  test('lists for an organization and a user follow the evaluator; the claim lists the slugs on for both, or for the user alone', async () => {
    await a.call(ENV, 'POST', '/feature-flags', { slug: 'everyone', enabled: true, default_value: true });
    await a.call(ENV, 'POST', '/feature-flags', { slug: 'off-for-all', enabled: false, default_value: true });
    await a.call(ENV, 'POST', '/feature-flags', { slug: 'user-beta', enabled: true });
    await a.call(ENV, 'POST', `/feature-flags/user-beta/targets/${USER}`, {});
    await a.call(ENV, 'PUT', '/feature-flags/new-checkout/enable', {});
    const slugs = (r: { body: any }) => r.body.data.map((f: any) => f.slug).sort();
    assert.deepEqual(slugs(await b.call(ENV, 'GET', `/organizations/${orgId}/feature-flags`)), ['everyone', 'new-checkout']);
    assert.deepEqual(slugs(await b.call(ENV, 'GET', `/user_management/users/${USER}/feature-flags`)), ['everyone', 'user-beta']);
    const claims = await waitFor(async () => {
      const r = await b.call(ENV, 'GET', `/internal/feature-flags/claims?organization_id=${orgId}&user_id=${USER}`);
      return r.body.feature_flags.length === 3 && r.body.feature_flags;
    });
    assert.deepEqual(claims, ['everyone', 'new-checkout', 'user-beta']);
    // A session without an organization: the flags on for the user alone.
    assert.deepEqual((await b.call(ENV, 'GET', `/internal/feature-flags/claims?user_id=${USER}`)).body.feature_flags, ['everyone', 'user-beta']);
  });

  test('the runtime payload: a strong ETag, 304 from memory when unchanged, a change on the other replica seen at once', async () => {
    const repo = a.app.get(FeatureFlagsRepository);
    const snapshot = repo.snapshot.bind(repo);
    let loads = 0;
    repo.snapshot = (env: string) => (loads++, snapshot(env));
    try {
      const first = await a.open(ENV, '/sdk/feature-flags');
      assert.equal(first.status, 200);
      const etag = first.headers.get('etag')!;
      assert.match(etag, /^"\d+-[A-Za-z0-9_-]{22}"$/);
      const payload = (await first.json()) as Record<string, any>;
      assert.deepEqual(payload['new-checkout'], { slug: 'new-checkout', enabled: true, default_value: false, targets: { users: [], organizations: [{ id: orgId, enabled: true }] } });
      const loadsBefore = loads;
      for (let i = 0; i < 20; i++) {
        const again = await a.open(ENV, '/sdk/feature-flags', { 'if-none-match': etag });
        assert.equal(again.status, 304);
        assert.equal(again.headers.get('etag'), etag);
      }
      assert.equal(loads, loadsBefore, 'a 304 reads no database');

      await b.call(ENV, 'PUT', '/feature-flags/everyone/disable', {});
      const changed = await waitFor(async () => {
        const r = await a.open(ENV, '/sdk/feature-flags', { 'if-none-match': etag });
        return r.status === 200 && r;
      }, { timeoutMs: 1_000, intervalMs: 10 });
      assert.notEqual(changed.headers.get('etag'), etag);
      assert.equal(((await changed.json()) as Record<string, any>).everyone.enabled, false);

      // The writing replica reads its own write at once, without waiting for its NOTIFY.
      const etag2 = changed.headers.get('etag')!;
      for (const path of ['/feature-flags/everyone/enable', '/feature-flags/everyone/disable']) {
        await a.call(ENV, 'PUT', path, {});
        const own = await a.open(ENV, '/sdk/feature-flags', { 'if-none-match': etag2 });
        assert.equal(own.status, 200);
        assert.equal(((await own.json()) as Record<string, any>).everyone.enabled, path.endsWith('enable'));
      }
    } finally {
      repo.snapshot = snapshot;
    }
  });

  test('the stream pushes every change within a second, including changes written on the other replica', async () => {
    const res = await a.open(ENV, '/sdk/feature-flags/stream');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    const next = sseReader(res);
    const initial = await next();
    assert.equal(initial.event, 'flags');
    assert.equal(initial.data.everyone.enabled, false);

    for (const [replica, path, check] of [
      [b, '/feature-flags/everyone/enable', (d: any) => d.everyone.enabled === true],
      [a, '/feature-flags/everyone/disable', (d: any) => d.everyone.enabled === false],
    ] as const) {
      const started = Date.now();
      await replica.call(ENV, 'PUT', path, {});
      const pushed = await next(1_000);
      assert.ok(Date.now() - started < 1_000);
      assert.ok(check(pushed.data), JSON.stringify(pushed.data.everyone));
      assert.ok(BigInt(pushed.id!) > BigInt(initial.id!));
    }
    const service = a.app.get(FlagPayloadService);
    assert.equal(service.subscriberCount(), 1);
    await next.cancel();
    await waitFor(() => service.subscriberCount() === 0, { timeoutMs: 5_000 });
  });

  test('a lost LISTEN connection never leaves a replica serving an old payload', async () => {
    const etag = (await a.open(ENV, '/sdk/feature-flags')).headers.get('etag')!;
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN feature_flags'`);
      assert.equal(killed.rowCount, 2); // one per replica
      // Written while nobody listens: no replica is told.
      await admin.query(`UPDATE feature_flags SET default_value = NOT default_value WHERE environment_id = $1 AND slug = 'user-beta'`, [ENV]);
      await admin.query(`UPDATE feature_flag_versions SET version = version + 1 WHERE environment_id = $1`, [ENV]);
    } finally {
      await admin.end();
    }
    const r = await waitFor(async () => {
      const res = await a.open(ENV, '/sdk/feature-flags', { 'if-none-match': etag });
      return res.status === 200 && res;
    }, { timeoutMs: 2_000, intervalMs: 10 });
    assert.equal(((await r.json()) as Record<string, any>)['user-beta'].default_value, true);
  });

  test('a replica that shuts down ends its open streams instead of hanging on them; one environment cannot take all streams', async () => {
    const c = await startReplica(db, { FEATURE_FLAG_STREAMS_PER_ENVIRONMENT: '1' });
    // Started, not still joining its Kafka group: a close during the group's rebalance waits for
    // the join (kafkajs), which is not what this test measures (seen under a loaded CI machine).
    await waitFor(async () => (await fetch(`http://127.0.0.1:${c.port}/ready`)).status === 200, { timeoutMs: 60_000, intervalMs: 200, message: 'the replica is ready (a member of its consumer group)' });
    const res = await c.open(ENV, '/sdk/feature-flags/stream');
    const next = sseReader(res);
    await next();
    const second = await c.open(ENV, '/sdk/feature-flags/stream');
    assert.equal(second.status, 429);
    assert.equal(((await second.json()) as { code: string }).code, 'too_many_streams');
    const otherEnv = await c.open(OTHER, '/sdk/feature-flags/stream');
    assert.equal(otherEnv.status, 200);
    await otherEnv.body!.cancel();
    const started = Date.now();
    // Bounded: a close held open by a stream must fail this test, not hang the suite. The stream
    // must end at the start of the shutdown, not once the consumer has left its group.
    const closed = Promise.race([c.app.close(), new Promise((_, reject) => setTimeout(() => reject(new Error('app.close() still waiting after 15 s')), 15_000).unref())]);
    await assert.rejects(next(5_000), /stream ended/);
    assert.ok(Date.now() - started < 5_000);
    await closed;
  });
});
