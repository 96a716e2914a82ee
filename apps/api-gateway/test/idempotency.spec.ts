import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRedis } from '@wos/platform';
import { testInfra, uniqueSuffix, waitFor } from '@wos/platform/testing';
import { idempotencyKeeper } from '../src/routing/route.table';
import { GatewayHarness, closedPort } from './support/gateway.harness';

describe('api-gateway idempotency keys', () => {
  const h = new GatewayHarness();
  let key: string;
  let clientId: string;
  let environmentId: string;

  before(async () => {
    await h.start('idempotency');
    const env = await h.environment();
    key = env.apiKey;
    environmentId = env.environmentId;
    clientId = (await h.credentials.listClientIds(env.environmentId))[0]!.id;
  });
  after(() => h.close());

  const post = (path: string, idempotencyKey: string, body = '{"name":"Acme"}', apiKey = key) =>
    h.request(path, { key: apiKey, method: 'POST', body, headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey } });
  const reached = (k: string) => h.upstream.received.filter((r) => r.headers['idempotency-key'] === k).length;
  /** Every idempotency record this gateway keeps in Redis, as stored. */
  async function idempotencyRecords(): Promise<string[]> {
    const redis = createRedis(testInfra.redisUrl);
    try {
      const keys = await redis.keys(`${h.redisPrefix}idem:*`);
      return keys.length ? ((await redis.mget(...keys)).filter((v) => v !== null) as string[]) : [];
    } finally {
      redis.disconnect();
    }
  }

  test('the same key and request replays the stored response', async () => {
    const k = `k-${uniqueSuffix()}`;
    const first = await post('/organizations?x=1', k);
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const firstBody = await first.text();
    const again = await post('/organizations?x=1', k);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.match(again.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(await again.text(), firstBody);
    assert.notEqual(again.headers.get('x-request-id'), first.headers.get('x-request-id'), 'a replay has its own request ID');
    assert.equal(reached(k), 1);
  });

  test('the same key with another body, path or query is a 400', async () => {
    const k = `k-${uniqueSuffix()}`;
    assert.equal((await post('/organizations', k)).status, 201);
    for (const res of [await post('/organizations', k, '{"name":"Other"}'), await post('/organizations?y=1', k), await post('/organization_domains', k)]) {
      assert.equal(res.status, 400);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, 'idempotency_key_reused');
      assert.match(body.message, /different request/);
    }
  });

  test('the same key while the first request is running is a 409', async () => {
    const k = `k-${uniqueSuffix()}`;
    const first = post('/organizations?echo=hold', k);
    await waitFor(() => h.upstream.heldCount === 1, { message: 'first request at the service' });
    const second = await post('/organizations?echo=hold', k);
    assert.equal(second.status, 409);
    assert.equal(((await second.json()) as { code: string }).code, 'idempotency_request_in_progress');
    h.upstream.releaseAll();
    assert.equal((await first).status, 201);
    const third = await post('/organizations?echo=hold', k);
    assert.equal(third.headers.get('idempotent-replayed'), 'true');
  });

  test('a 5xx is not stored, so a retry goes through', async () => {
    const k = `k-${uniqueSuffix()}`;
    assert.equal((await post('/organizations?echo=flaky', k)).status, 500);
    const retry = await post('/organizations?echo=flaky', k);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    const replay = await post('/organizations?echo=flaky', k);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(reached(k), 2);
  });

  test('4xx responses are stored and replayed', async () => {
    const k = `k-${uniqueSuffix()}`;
    assert.equal((await post('/organizations?echo=status-422', k)).status, 422);
    const again = await post('/organizations?echo=status-422', k);
    assert.equal(again.status, 422);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
  });

  test('keys belong to one environment', async () => {
    const k = `k-${uniqueSuffix()}`;
    const other = (await h.environment()).apiKey;
    assert.equal((await post('/organizations', k)).status, 201);
    const inOther = await post('/organizations', k, '{"name":"Acme"}', other);
    assert.equal(inOther.status, 201);
    assert.equal(inOther.headers.get('idempotent-replayed'), null);
  });

  test('keys over 255 characters are a 400; GET ignores the header', async () => {
    const res = await post('/organizations', 'x'.repeat(256));
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, 'invalid_idempotency_key');
    assert.equal((await post('/organizations', 'y'.repeat(255))).status, 201);
    const get = await h.request('/organizations', { key, headers: { 'idempotency-key': 'x'.repeat(300) } });
    assert.equal(get.status, 200);
  });

  test('a create whose service keeps the record (audit events): the key is checked and forwarded, every time, and nothing is stored here', async () => {
    const k = `k-audit-${uniqueSuffix()}`;
    const body = '{"organization_id":"org_1","event":{}}';
    const send = () => h.request('/audit_logs/events', { key, method: 'POST', body, headers: { 'content-type': 'application/json', 'idempotency-key': k } });
    const [a, b] = [await send(), await send()];
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.headers.get('idempotent-replayed'), null, 'the gateway did not replay it');
    assert.equal(reached(k), 2, 'both reached the service, with the key');
    const redis = createRedis(testInfra.redisUrl);
    try {
      const digest = createHash('sha256').update(k).digest('hex');
      assert.deepEqual((await redis.keys(`*idem:*`)).filter((r) => r.includes(digest) || r.includes(k)), []);
    } finally {
      redis.disconnect();
    }
    const long = await h.request('/audit_logs/events', { key, method: 'POST', body, headers: { 'content-type': 'application/json', 'idempotency-key': 'x'.repeat(256) } });
    assert.equal(long.status, 400);
    assert.equal(((await long.json()) as { code: string }).code, 'invalid_idempotency_key');
  });

  // Issue 21 item 5 / review L1: a second identical sign-in got the first one's tokens back.
  test('sign-ins, token grants, MFA enrolment and actions run every time, whatever the key', async () => {
    const k = `retry-${uniqueSuffix()}`;
    const signIn = JSON.stringify({ client_id: clientId, grant_type: 'password', email: 'a@b.example', password: 'pw' });
    const cases: [string, string][] = [
      ['/user_management/authenticate', signIn],
      ['/sso/token', `client_id=${clientId}&grant_type=authorization_code&code=c`],
      ['/auth/factors/enroll', '{"type":"totp","totp_issuer":"i","totp_user":"u"}'],
      ['/user_management/users/user_1/auth_factors', '{"type":"totp"}'],
      ['/auth/challenges/auth_challenge_1/verify', '{"code":"123456"}'],
      ['/user_management/sessions/revoke', '{"session_id":"session_1"}'],
      ['/user_management/magic_auth', '{"email":"a@b.example"}'],
      ['/organization_domains/org_domain_1/verify', '{}'],
    ];
    for (const [path, body] of cases) {
      const type = path === '/sso/token' ? 'application/x-www-form-urlencoded' : 'application/json';
      const send = () => h.request(path, { key, method: 'POST', body, headers: { 'content-type': type, 'idempotency-key': k } });
      const [a, b] = [await send(), await send()];
      assert.equal(a.status, 201, path);
      assert.equal(b.status, 201, path);
      assert.equal(b.headers.get('idempotent-replayed'), null, `${path} was replayed`);
      assert.notEqual(((await b.json()) as { secret: string }).secret, ((await a.json()) as { secret: string }).secret, path);
    }
    assert.equal(reached(k), cases.length * 2, 'every request reached its service');
  });

  test('a stored response is sealed in Redis, under a digest of the key', async () => {
    const k = `k-sealed-${uniqueSuffix()}`;
    const res = await post('/organizations', k);
    const { secret } = (await res.json()) as { secret: string };
    assert.match(secret, /^whsec_/);
    const redis = createRedis(testInfra.redisUrl);
    try {
      const digest = createHash('sha256').update(k).digest('hex');
      assert.deepEqual((await redis.keys(`${h.redisPrefix}idem:*`)).filter((rk) => rk.includes(k) || rk.includes(digest)).map((rk) => rk.endsWith(`:${digest}`)), [true], 'one record, under the digest');
    } finally {
      redis.disconnect();
    }
    const values = await idempotencyRecords();
    assert.equal(values.some((v) => v.includes(secret) || v.includes(Buffer.from(secret).toString('base64'))), false, 'the body is not readable in Redis');
    const replay = await post('/organizations', k);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(((await replay.json()) as { secret: string }).secret, secret, 'the replay opens it');
  });

  // Issue 21 item 5 / review L1: a response that carries a secret is never stored.
  test('an API-key create keeps only what it created: a repeat is a 409 naming the key, never its value', async () => {
    for (const path of ['/organizations/org_1/api_keys', '/user_management/users/user_1/api_keys']) {
      const k = `retry-${uniqueSuffix()}`;
      const body = '{"name":"ci","organization_id":"org_1"}';
      const first = await post(path, k, body);
      assert.equal(first.status, 201, path);
      const created = (await first.json()) as { id: string; value: string };
      assert.match(created.value, /^sk_ak_/);
      const values = await idempotencyRecords();
      assert.equal(values.some((v) => v.includes(created.value)), false, `${path}: the value is not in Redis`);
      assert.ok(values.some((v) => v.includes(created.id) && !v.includes('sealed_body')), `${path}: only a reference is kept`);

      const again = await post(path, k, body);
      assert.equal(again.status, 409, path);
      assert.equal(again.headers.get('idempotent-replayed'), null);
      const error = (await again.json()) as Record<string, string>;
      assert.deepEqual(Object.keys(error).sort(), ['code', 'message']);
      assert.equal(error.code, 'idempotency_key_already_used');
      assert.ok(error.message.includes(`api_key '${created.id}'`), error.message);
      assert.match(error.message, /one-time value .* never stored/);
      assert.equal(error.message.includes(created.value), false);
      assert.equal(reached(k), 1, `${path}: created once`);

      const other = await post(path, k, '{"name":"other","organization_id":"org_1"}');
      assert.equal(other.status, 400, 'another body is still a reused key');
      assert.equal(((await other.json()) as { code: string }).code, 'idempotency_key_reused');
    }
  });

  test('an API-key create: a concurrent duplicate never runs, and an error answer (no secret) is replayed', async () => {
    const k = `retry-${uniqueSuffix()}`;
    const path = '/organizations/org_1/api_keys?echo=hold';
    const first = post(path, k, '{"name":"ci"}');
    await waitFor(() => h.upstream.heldCount === 1, { message: 'first request at the service' });
    const second = await post(path, k, '{"name":"ci"}');
    assert.equal(second.status, 409);
    assert.equal(((await second.json()) as { code: string }).code, 'idempotency_request_in_progress');
    h.upstream.releaseAll();
    assert.equal((await first).status, 201);
    assert.equal(((await (await post(path, k, '{"name":"ci"}')).json()) as { code: string }).code, 'idempotency_key_already_used');
    assert.equal(reached(k), 1);

    const failing = `retry-${uniqueSuffix()}`;
    assert.equal((await post('/organizations/org_1/api_keys?echo=status-422', failing, '{}')).status, 422);
    const replayed = await post('/organizations/org_1/api_keys?echo=status-422', failing, '{}');
    assert.equal(replayed.status, 422);
    assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
  });

  test('creates whose answer carries a secret and that WorkOS does not document as idempotent ignore the key', async () => {
    const secretBearing = [
      '/user_management/invitations',
      '/directories',
      '/webhook_endpoints',
      '/audit_logs/log_streams',
      '/connect/applications/conn_app_1/client_secrets',
      '/vault/v1/keys/data-key',
    ];
    for (const path of secretBearing) assert.equal(idempotencyKeeper('POST', path), undefined, path);
    // Through the gateway, for those whose service the echo upstream stands in for.
    const cases: [string, string][] = [
      ['/user_management/invitations', '{"email":"a@b.example"}'],
      ['/audit_logs/log_streams', '{"type":"https","config":{"url":"https://logs.example"}}'],
    ];
    const k = `retry-${uniqueSuffix()}`;
    for (const [path, body] of cases) {
      const [a, b] = [await post(path, k, body), await post(path, k, body)];
      assert.equal(a.status, 201, path);
      assert.equal(b.status, 201, path);
      assert.equal(b.headers.get('idempotent-replayed'), null, `${path} was replayed`);
      assert.notEqual(((await b.json()) as { secret: string }).secret, ((await a.json()) as { secret: string }).secret, path);
    }
    assert.equal(reached(k), cases.length * 2, 'every request reached its service');
    const digest = createHash('sha256').update(k).digest('hex');
    const redis = createRedis(testInfra.redisUrl);
    try {
      assert.deepEqual(await redis.keys(`${h.redisPrefix}idem:*${digest}`), [], 'no record was kept');
    } finally {
      redis.disconnect();
    }
  });

  // Review L1 (a): retries used to run twice while Redis was down.
  test('fails closed when Redis is unreachable: 503 with Retry-After, nothing forwarded', async () => {
    const gw = await h.startGateway({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const k = `k-down-${uniqueSuffix()}`;
    const res = await h.request('/organizations', { key, method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'idempotency-key': k } }, gw);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(((await res.json()) as { code: string }).code, 'idempotency_unavailable');
    assert.equal(reached(k), 0);
    assert.equal((await h.request('/organizations', { key, method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }, gw)).status, 201, 'without a key it runs');
  });

  // Review L1 (b): a claim that reached Redis after the hot-path timeout used to hold the key
  // as "in progress" (409) for 70 s, though its request had never run.
  test('a claim that lands after its request was refused does not block the retry', async () => {
    const k = `k-late-${uniqueSuffix()}`;
    const redisKey = `${h.redisPrefix}idem:${environmentId}:${createHash('sha256').update(k).digest('hex')}`;
    const admin = createRedis(testInfra.redisUrl);
    // Warm the key cache and the rate-limit window, so the claim is this request's only Redis write.
    assert.equal((await h.request('/organizations', { key })).status, 200);
    try {
      await admin.call('CLIENT', 'PAUSE', '2000', 'WRITE');
      const refused = await post('/organizations', k);
      assert.equal(refused.status, 503, 'the claim timed out');
      await admin.set(`${h.redisPrefix}probe`, '1'); // a write: it returns once the pause is over
      await waitFor(async () => (await admin.exists(redisKey)) === 0, { message: 'the late claim to be removed', timeoutMs: 10_000 });
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect();
    }
    const retry = await post('/organizations', k);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    assert.equal(reached(k), 1, 'only the retry ran');
  });
});
