import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { Producer } from 'kafkajs';
import type { User } from '@workos-inc/node';
import { Topic, type UserWire } from '@wos/contracts';
import { buildEvent, createKafka, createLogger } from '@wos/platform';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, ROOT, type E2e } from '../support/e2e-stack';
import { TestSamlIdp, type SamlIdp } from '../support/sso-peers';

interface Usage {
  object: 'usage';
  month: string;
  monthly_active_users: number;
  active_sso_connections: number;
  active_directories: number;
  daily_active_users: { date: string; count: number }[];
  rate_limits: { bucket: string; requests: number; limited: number }[];
}
interface UsageMonth {
  object: 'usage_month';
  month: string;
  monthly_active_users: number;
  active_sso_connections: number;
  active_directories: number;
}
interface RateLimitRow {
  bucket: string;
  minute: string;
  requests: number;
  limited: number;
}

const PASSWORD = 'correct horse battery usage';
// A tight per-environment rule on GET /organizations, so a 429 is three requests away.
const TIGHT_RULE = 'GET /organizations per environment';
// (RATE_LIMIT_RULES replaces the default rules; none of them matters to this file.)
const RULES = JSON.stringify([{ method: 'GET', path: '/organizations', limit: '2/60', per: ['environment'] }]);
/* The billing units without the rate-limit sums, which grow with every API call (this file's polling included). */
const billing = ({ rate_limits: _counted, ...rest }: Usage) => rest;

/*
 * Usage analytics through the running stack: users sign in with the SDK, identity's events reach
 * the events service, whose consumer projects them into the usage aggregates; the gateway counts
 * rate-limit usage in its Redis.
 */
describe('Usage analytics: MAU, billable connections, rate-limit usage, CSV export', () => {
  let e: E2e;
  let idp: SamlIdp;
  let db: Client;
  let producer: Producer;
  let users: User[] = [];
  const tag = uniqueSuffix();
  const month = new Date().toISOString().slice(0, 7);
  const today = new Date().toISOString().slice(0, 10);

  before(async () => {
    e = await startE2e({ name: 'usage', portOffset: 17500, apps: ['organizations', 'events', 'identity', 'sso'], appEnv: { 'api-gateway': { RATE_LIMIT_RULES: RULES } } });
    idp = await TestSamlIdp.start();
    db = new Client({ connectionString: e.stack.databaseUrl('events') });
    await db.connect();
    const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: `usage-e2e-${tag}`, logger: createLogger('e2e', 'silent') });
    producer = kafka.producer();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await db?.end();
    await idp?.close();
    await e?.stop();
  });

  const get = async <T>(path: string, key: string | true = true): Promise<T> => {
    const res = await e.http('GET', path, { key });
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    return res.json as T;
  };
  const usageWhen = (done: (u: Usage) => boolean, message: string) =>
    waitFor(async () => {
      const u = await get<Usage>('/usage');
      return done(u) ? u : undefined;
    }, { timeoutMs: 60_000, message });

  test('three users who sign in twice each in the month are 3 monthly active users', async () => {
    const um = e.workos.userManagement;
    for (let i = 0; i < 3; i++) users.push(await um.createUser({ email: `usage-${i}-${tag}@example.com`, password: PASSWORD, emailVerified: true }));
    for (const user of users) {
      for (let round = 0; round < 2; round++) {
        const auth = await um.authenticateWithPassword({ clientId: e.creds.client_id, email: user.email, password: PASSWORD });
        assert.equal(auth.user.id, user.id);
      }
    }
    // Each sign-in makes a session.created and an authentication.password_succeeded event: 6 of each.
    const mauAndSessions = async () => {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE environment_id = $1 AND event = 'session.created'`, [e.creds.environment_id]);
      return rows[0]!.n;
    };
    await waitFor(async () => ((await mauAndSessions()) === 6 ? true : undefined), { timeoutMs: 60_000, message: 'six sessions stored' });
    const u = await usageWhen((x) => x.monthly_active_users === 3, 'MAU 3');
    assert.equal(u.object, 'usage');
    assert.equal(u.month, month);
    assert.equal(u.daily_active_users.at(-1)!.date, today);
    assert.equal(u.daily_active_users.at(-1)!.count, 3, 'three distinct users today');
    assert.equal(u.daily_active_users[0]!.date, `${month}-01`);
    assert.equal(u.daily_active_users.length, Number(today.slice(8)), 'every day of the month up to today');
    assert.deepEqual(billing(await get<Usage>(`/usage?month=${month}`)), billing(u), 'the current month is the default');
  });

  test('an activated SSO connection counts as 1', async () => {
    const org = await e.workos.organizations.createOrganization({ name: `Usage ${tag}` });
    const created = await e.http('POST', '/connections', {
      key: true,
      body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: org.id, saml: { idp_metadata_xml: idp.metadataXml() }, activate: true },
    });
    assert.equal(created.status, 201, created.text);
    const u = await usageWhen((x) => x.active_sso_connections === 1, 'one active SSO connection');
    assert.equal(u.active_directories, 0);
    assert.equal(u.monthly_active_users, 3);
  });

  test('redelivered events change nothing: the same events produced again, then a restart of the events service', async () => {
    const { rows } = await db.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM events WHERE environment_id = $1 ORDER BY seq`, [e.creds.environment_id]);
    assert.ok(rows.length >= 3 * 1 + 6 * 2, `the stored events (${rows.length})`);
    // A marker after the copies on the same partition (one key): once it is stored, every copy before it was consumed.
    const created = rows.find((r) => r.payload.event === 'user.created')!.payload;
    const marker = buildEvent('user.updated', created.data as UserWire, e.creds.environment_id);
    await producer.send({
      topic: Topic.identity,
      messages: [...rows.map((r) => ({ ...r.payload, environment_id: e.creds.environment_id })), marker].map((value) => ({ key: `usage-replay-${tag}`, value: JSON.stringify(value) })),
    });
    await waitFor(async () => ((await db.query(`SELECT 1 FROM events WHERE id = $1`, [marker.id])).rowCount ? true : undefined), { timeoutMs: 60_000, message: 'the marker after the redelivered events' });
    const after = await get<Usage>('/usage');
    assert.equal(after.monthly_active_users, 3);
    assert.equal(after.active_sso_connections, 1);
    assert.equal(after.daily_active_users.at(-1)!.count, 3);

    await e.stack.restart('events');
    const restarted = await get<Usage>('/usage');
    assert.deepEqual(billing(restarted), billing(after), 'the same numbers after a restart');
  });

  test('GET /usage/months lists the current month newest first with its counts', async () => {
    const months = await get<{ object: string; data: UsageMonth[] }>('/usage/months');
    assert.equal(months.object, 'list');
    assert.deepEqual(months.data, [{ object: 'usage_month', month, monthly_active_users: 3, active_sso_connections: 1, active_directories: 0 }]);
  });

  test('the CSV export has a header and one row per active user, and names its file', async () => {
    const res = await e.http('GET', `/usage/export.csv?month=${month}`, { key: true });
    assert.equal(res.status, 200, res.text);
    assert.match(res.contentType, /^text\/csv/);
    assert.equal(res.headers['content-disposition'], `attachment; filename="usage-${e.creds.environment_id}-${month}.csv"`);
    const lines = res.text.split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'user_id,first_active_at,last_active_at,reason');
    assert.equal(lines.length, 4, res.text);
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.deepEqual(rows.map((r) => r[0]).sort(), users.map((u) => u.id).sort());
    for (const [, first, last, reason] of rows) {
      assert.ok(Date.parse(first!) <= Date.parse(last!), 'first activity before the last');
      assert.equal(reason, 'user.created', 'signing up was each user’s first activity');
    }
  });

  test('wos usage prints the same numbers, and --csv the export', async () => {
    const wos = async (...args: string[]) =>
      (await promisify(execFile)(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), 'usage', ...args, '--api-url', e.baseUrl, '--api-key', e.creds.api_key])).stdout;
    const shown = JSON.parse(await wos('--json')) as Usage;
    assert.equal(shown.month, month);
    assert.equal(shown.monthly_active_users, 3);
    assert.equal(shown.active_sso_connections, 1);
    assert.match(await wos('--month', month), /monthly active users\s+3\n/);
    const csv = (await wos('--csv', '--month', month)).split(/\r?\n/).filter(Boolean);
    assert.equal(csv[0], 'user_id,first_active_at,last_active_at,reason');
    assert.equal(csv.length, 4);
  });

  test('a 429 shows up in /usage/rate_limits', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await e.http('GET', '/organizations', { key: true })).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    const rows = await waitFor(
      async () => {
        const { data } = await get<{ data: RateLimitRow[] }>('/usage/rate_limits?minutes=60');
        const tight = data.filter((r) => r.bucket === TIGHT_RULE);
        return tight.reduce((s, r) => s + r.limited, 0) >= 1 ? tight : undefined;
      },
      { timeoutMs: 30_000, message: 'the 429 in the rate-limit usage' },
    );
    assert.ok(rows.reduce((s, r) => s + r.requests, 0) >= 3);
  });

  test("the month's rate-limit sums are exact: a burst past a bucket's limit, a gateway restart, redelivered events, another environment", async () => {
    const a = await e.createEnvironment(`usage-rl-a-${tag}`);
    const b = await e.createEnvironment(`usage-rl-b-${tag}`);
    const sent = new Map([[a.api_key, { requests: 0, limited: 0 }], [b.api_key, { requests: 0, limited: 0 }]]);
    // Past the rule's limit (2 a minute per environment): every answer is counted as it came.
    const burst = async (key: string, n: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) statuses.push((await e.http('GET', '/organizations', { key })).status);
      assert.ok(statuses.every((s) => s === 200 || s === 429), statuses.join(','));
      const total = sent.get(key)!;
      total.requests += n;
      total.limited += statuses.filter((s) => s === 429).length;
      return statuses;
    };
    const tightOf = (u: Usage) => u.rate_limits.find((r) => r.bucket === TIGHT_RULE) ?? { bucket: TIGHT_RULE, requests: 0, limited: 0 };
    const exactly = (key: string, why: string) =>
      waitFor(
        async () => {
          const u = await get<Usage>(`/usage?month=${month}`, key);
          const t = tightOf(u);
          return t.requests === sent.get(key)!.requests && t.limited === sent.get(key)!.limited ? u : undefined;
        },
        // A minute is published once it has ended (or at shutdown), then relayed and consumed.
        { timeoutMs: 150_000, intervalMs: 1000, message: `${why}: ${JSON.stringify(sent.get(key))}` },
      );

    const first = await burst(a.api_key, 5);
    assert.deepEqual(first.slice(0, 2), [200, 200]);
    assert.equal(first.at(-1), 429, 'the burst went past the limit');
    await burst(b.api_key, 3);
    // The gateway publishes the open minute's counts as it shuts down; the new process counts afresh.
    await e.stack.restart('api-gateway');
    await exactly(a.api_key, 'environment A after the restart');
    await exactly(b.api_key, 'environment B, apart from A');

    await burst(a.api_key, 4);
    const u = await exactly(a.api_key, 'environment A, both bursts, nothing counted twice');
    assert.ok(tightOf(u).limited >= 3, JSON.stringify(tightOf(u)));
    assert.ok(u.rate_limits.some((r) => r.bucket === 'api_key' && r.requests >= 9), 'the API key bucket counted every request too');

    // Every event published for A, produced again, then a marker after them on the same partition
    // (the key is the environment): once the marker counts, the copies were consumed, and the inbox dropped them.
    const gatewayDb = new Client({ connectionString: e.stack.databaseUrl('api-gateway') });
    await gatewayDb.connect();
    let copies: { payload: Record<string, unknown> }[];
    try {
      ({ rows: copies } = await gatewayDb.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM outbox WHERE topic = $1 AND payload->>'environment_id' = $2 ORDER BY seq`, [Topic.gatewayUsage, a.environment_id]));
    } finally {
      await gatewayDb.end();
    }
    assert.ok(copies.length >= 2, `the published events (${copies.length})`);
    const marker = buildEvent('rate_limit.usage_recorded', { object: 'rate_limit_usage', minute: `${today}T00:00:00.000Z`, buckets: [{ bucket: `e2e marker ${tag}`, requests: 1, limited: 0 }] }, a.environment_id);
    await producer.send({ topic: Topic.gatewayUsage, messages: [...copies.map((c) => c.payload), marker].map((value) => ({ key: a.environment_id, value: JSON.stringify(value) })) });
    const replayed = await waitFor(
      async () => {
        const x = await get<Usage>(`/usage?month=${month}`, a.api_key);
        return x.rate_limits.some((r) => r.bucket === `e2e marker ${tag}`) ? x : undefined;
      },
      { timeoutMs: 60_000, message: 'the marker after the redelivered events' },
    );
    assert.deepEqual(tightOf(replayed), { bucket: TIGHT_RULE, ...sent.get(a.api_key)! }, 'redelivered events added nothing');
    assert.deepEqual(replayed.rate_limits.find((r) => r.bucket === `e2e marker ${tag}`), { bucket: `e2e marker ${tag}`, requests: 1, limited: 0 });
    assert.deepEqual(tightOf(await get<Usage>('/usage', b.api_key)), { bucket: TIGHT_RULE, ...sent.get(b.api_key)! }, 'B unchanged');

    // Internal events: never stored as events, so never in /events.
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE event = 'rate_limit.usage_recorded'`);
    assert.equal(rows[0]!.n, 0);

    // The month's CSV of the buckets, and wos usage --rate-limits --csv: the same numbers.
    const csv = await e.http('GET', `/usage/export.csv?month=${month}&report=rate_limits`, { key: a.api_key });
    assert.equal(csv.status, 200, csv.text);
    assert.equal(csv.headers['content-disposition'], `attachment; filename="usage-rate-limits-${a.environment_id}-${month}.csv"`);
    const lines = csv.text.split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'bucket,requests,limited');
    const exact = sent.get(a.api_key)!;
    assert.ok(lines.includes(`${TIGHT_RULE},${exact.requests},${exact.limited}`), csv.text);
    const wos = (await promisify(execFile)(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), 'usage', '--month', month, '--rate-limits', '--csv', '--api-url', e.baseUrl, '--api-key', a.api_key])).stdout;
    assert.ok(wos.split(/\r?\n/).includes(`${TIGHT_RULE},${exact.requests},${exact.limited}`), wos);
  });

  test('another environment sees none of it', async () => {
    const other = await e.createEnvironment(`usage-other-${tag}`);
    const u = await get<Usage>('/usage', other.api_key);
    assert.equal(u.monthly_active_users, 0);
    assert.equal(u.active_sso_connections, 0);
    assert.equal(u.active_directories, 0);
    assert.ok(u.daily_active_users.every((d) => d.count === 0));
    assert.deepEqual(u.rate_limits.filter((r) => r.bucket === TIGHT_RULE), []);
    assert.deepEqual((await get<{ data: unknown[] }>('/usage/months', other.api_key)).data, []);
    const csv = await e.http('GET', '/usage/export.csv', { key: other.api_key });
    assert.equal(csv.text, 'user_id,first_active_at,last_active_at,reason\r\n');
    const { data } = await get<{ data: RateLimitRow[] }>('/usage/rate_limits', other.api_key);
    assert.deepEqual(data.filter((r) => r.bucket === TIGHT_RULE), []);
  });

  test('bad month or minutes is a 422 naming the field', async () => {
    const report = await e.http('GET', '/usage/export.csv?report=everything', { key: true });
    assert.equal(report.status, 422, report.text);
    assert.equal((report.json as { errors: { field: string }[] }).errors[0]!.field, 'report');
    for (const path of ['/usage?month=2026-13', '/usage?month=26-12', '/usage?month=2026-12-01', '/usage/export.csv?month=december', '/usage?month=2026-01&month=2026-02']) {
      const res = await e.http('GET', path, { key: true });
      assert.equal(res.status, 422, `${path}: ${res.text}`);
      const body = res.json as { code: string; message: string; errors: { field: string }[] };
      assert.equal(body.errors[0]!.field, 'month', path);
      assert.ok(body.message, path);
    }
    for (const minutes of ['0', '2881', 'x']) {
      const res = await e.http('GET', `/usage/rate_limits?minutes=${minutes}`, { key: true });
      assert.equal(res.status, 422, `minutes=${minutes}: ${res.text}`);
      assert.equal((res.json as { errors: { field: string }[] }).errors[0]!.field, 'minutes');
    }
    assert.equal((await e.http('GET', '/usage')).status, 401, 'no API key');
  });
});
