import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { GatewayHarness } from './support/gateway.harness';

describe('api-gateway idempotency keys', () => {
  const h = new GatewayHarness();
  let key: string;

  before(async () => {
    await h.start('idempotency');
    key = (await h.environment()).apiKey;
  });
  after(() => h.close());

  const post = (path: string, idempotencyKey: string, body = '{"name":"Acme"}', apiKey = key) =>
    h.request(path, { key: apiKey, method: 'POST', body, headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey } });

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
    assert.equal(h.upstream.received.filter((r) => r.headers['idempotency-key'] === k).length, 1);
  });

  test('the same key with another body, path or query is a 400', async () => {
    const k = `k-${uniqueSuffix()}`;
    assert.equal((await post('/organizations', k)).status, 201);
    for (const res of [await post('/organizations', k, '{"name":"Other"}'), await post('/organizations?y=1', k), await post('/organizations/org_1', k)]) {
      assert.equal(res.status, 400);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, 'idempotency_key_reused');
      assert.match(body.message, /different request/);
    }
  });

  test('the same key while the first request is running is a 409', async () => {
    const k = `k-${uniqueSuffix()}`;
    const first = post('/organizations/hold', k);
    await waitFor(() => h.upstream.heldCount === 1, { message: 'first request at the service' });
    const second = await post('/organizations/hold', k);
    assert.equal(second.status, 409);
    assert.equal(((await second.json()) as { code: string }).code, 'idempotency_request_in_progress');
    h.upstream.releaseAll();
    assert.equal((await first).status, 201);
    const third = await post('/organizations/hold', k);
    assert.equal(third.headers.get('idempotent-replayed'), 'true');
  });

  test('a 5xx is not stored, so a retry goes through', async () => {
    const k = `k-${uniqueSuffix()}`;
    assert.equal((await post('/organizations/flaky', k)).status, 500);
    const retry = await post('/organizations/flaky', k);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    const replay = await post('/organizations/flaky', k);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(h.upstream.count('/organizations/flaky'), 2);
  });

  test('4xx responses are stored and replayed', async () => {
    const k = `k-${uniqueSuffix()}`;
    assert.equal((await post('/organizations/status/422', k)).status, 422);
    const again = await post('/organizations/status/422', k);
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
});
