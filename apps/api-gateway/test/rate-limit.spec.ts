import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@wos/platform/testing';
import { GatewayHarness, closedPort } from './support/gateway.harness';

describe('api-gateway rate limits', () => {
  const h = new GatewayHarness();
  let environmentId: string;

  before(async () => {
    await h.start('rate_limit', { RATE_LIMIT_RULES: '[{"method":"DELETE","path":"/organizations/:id","limit":"2/60"}]' });
    environmentId = (await h.environment()).environmentId;
  });
  after(() => h.close());

  test('a key with rate_limit_per_minute=3 gets 429 JSON with Retry-After on the fourth request', async () => {
    const limited = await h.credentials.createApiKey(environmentId, { name: 'limited', rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await h.request('/organizations', { key: limited.value })).status, 200);
    const res = await h.request('/organizations', { key: limited.value });
    assert.equal(res.status, 429);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(res.headers.get('x-request-id') ?? '', /^req_/);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(((await res.json()) as { code: string }).code, 'rate_limit_exceeded');
    assert.equal(h.upstream.count('/organizations'), 3, 'the refused request never reached the service');

    const other = await h.credentials.createApiKey(environmentId, { name: 'unlimited' });
    assert.equal((await h.request('/organizations', { key: other.value })).status, 200, 'limits are per key');
  });

  test('route rules add their own counter (DELETE /organizations/:id)', async () => {
    const key = (await h.credentials.createApiKey(environmentId, { name: 'deleter' })).value;
    assert.equal((await h.request('/organizations/org_a', { key, method: 'DELETE' })).status, 200);
    assert.equal((await h.request('/organizations/org_b', { key, method: 'DELETE' })).status, 200);
    const third = await h.request('/organizations/org_c', { key, method: 'DELETE' });
    assert.equal(third.status, 429);
    assert.ok(Number(third.headers.get('retry-after')) >= 1);
    assert.equal((await h.request('/organizations/org_c', { key })).status, 200, 'other methods still pass');
  });

  test('replicas share one limit through Redis, within one sync interval', async () => {
    const other = await h.startGateway({ RATE_LIMIT_SYNC_MS: '20' });
    const key = (await h.credentials.createApiKey(environmentId, { name: 'shared', rateLimitPerMinute: 10 })).value;
    for (let i = 0; i < 6; i++) assert.equal((await h.request('/organizations', { key })).status, 200);
    // Once the first replica has synced its hits, the second sees them: 4 more pass, then 429.
    await waitFor(async () => (await h.rateLimitCounts()).includes(6) || undefined, { message: 'the first replica to sync its six hits' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.request('/organizations', { key }, other)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
  });

  test('fails open when Redis is unreachable', async () => {
    const gw = await h.startGateway({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const key = (await h.credentials.createApiKey(environmentId, { name: 'no-redis', rateLimitPerMinute: 1 })).value;
    for (let i = 0; i < 3; i++) assert.equal((await h.request('/organizations', { key }, gw)).status, 200);
    const replayable = { key, method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' } };
    assert.equal((await h.request('/organizations', replayable, gw)).status, 201);
    const again = await h.request('/organizations', replayable, gw);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), null, 'without Redis, idempotency is skipped');
    const ready = await h.request('/ready', {}, gw);
    assert.equal(ready.status, 503);
  });
});
