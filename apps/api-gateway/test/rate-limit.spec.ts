import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@wos/platform/testing';
import { DEFAULT_RATE_LIMIT_RULES } from '../src/rate-limit/rate-limit.rules';
import type { RunningGateway } from '../src/gateway';
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

  test('rate limits fail open when Redis is unreachable; /ready on the admin port reports it', async () => {
    const gw = await h.startGateway({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const key = (await h.credentials.createApiKey(environmentId, { name: 'no-redis', rateLimitPerMinute: 1 })).value;
    for (let i = 0; i < 3; i++) assert.equal((await h.request('/organizations', { key }, gw)).status, 200);
    const ready = await fetch(`${gw.adminUrl}/ready`);
    assert.equal(ready.status, 503);
  });
});

/*
 * Each family of the default rules (WorkOS's published table), shipped as they are but with a
 * limit of 2 per window, so a third request shows the 429. The per-email and per-IP sign-in
 * limits and the email-send limits live in identity (apps/identity/test/identity.int.spec.ts,
 * email-flows.int.spec.ts).
 */
describe('api-gateway default rate-limit rules', () => {
  const h = new GatewayHarness();
  let gw: RunningGateway;
  let env: { environmentId: string; apiKey: string; clientId: string };
  const callback = 'https://app.example.com/callback';

  before(async () => {
    await h.start('rate_rules');
    const small = DEFAULT_RATE_LIMIT_RULES.map((r) => ({ ...r, limit: `2/${r.limit.split('/')[1]}` }));
    gw = await h.startGateway({ RATE_LIMIT_RULES: JSON.stringify(small), DIRECTORY_SYNC_URL: h.upstream.url, EVENTS_URL: h.upstream.url });
    env = await fresh();
  });
  after(() => h.close());

  async function fresh() {
    const e = await h.environment();
    const clientId = (await h.credentials.listClientIds(e.environmentId))[0]!.id;
    await h.credentials.addRedirectUri(e.environmentId, callback);
    return { ...e, clientId };
  }
  const statuses = async (n: number, call: () => Promise<Response>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await call();
      out.push(res.status);
      if (res.status === 429) {
        assert.ok(Number(res.headers.get('retry-after')) >= 1, 'Retry-After');
        assert.equal(((await res.json()) as { code: string }).code, 'rate_limit_exceeded');
      } else await res.body?.cancel();
    }
    return out;
  };

  test('DELETE /organizations/:id, per API key', async () => {
    assert.deepEqual(await statuses(3, () => h.request('/organizations/org_1', { key: env.apiKey, method: 'DELETE' }, gw)), [200, 200, 429]);
  });

  test('AuthKit reads, per environment: two keys share it, another environment does not', async () => {
    const e = await fresh();
    const second = (await h.credentials.createApiKey(e.environmentId, { name: 'second' })).value;
    assert.deepEqual(await statuses(1, () => h.request('/user_management/users', { key: e.apiKey }, gw)), [200]);
    assert.deepEqual(await statuses(2, () => h.request('/user_management/users', { key: second }, gw)), [200, 429]);
    const elsewhere = (await fresh()).apiKey;
    assert.deepEqual(await statuses(1, () => h.request('/user_management/users', { key: elsewhere }, gw)), [200]);
  });

  test('AuthKit writes, per environment, apart from reads', async () => {
    const e = await fresh();
    const write = () => h.request('/user_management/users', { key: e.apiKey, method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }, gw);
    assert.deepEqual(await statuses(3, write), [201, 201, 429]);
    assert.equal((await h.request('/user_management/users', { key: e.apiKey }, gw)).status, 200, 'reads have their own budget');
  });

  test('SSO /sso/authorize, per (connection, client IP)', async () => {
    const e = await fresh();
    const authorize = (connection: string) => () => h.request(`/sso/authorize?${new URLSearchParams({ client_id: e.clientId, redirect_uri: callback, connection })}`, {}, gw);
    assert.deepEqual(await statuses(3, authorize('conn_1')), [200, 200, 429]);
    assert.deepEqual(await statuses(1, authorize('conn_2')), [200]);
  });

  test('Directory Sync GET /directory_users, per directory', async () => {
    const e = await fresh();
    const list = (directory: string) => () => h.request(`/directory_users?directory=${directory}`, { key: e.apiKey }, gw);
    assert.deepEqual(await statuses(3, list('directory_1')), [200, 200, 429]);
    assert.deepEqual(await statuses(1, list('directory_2')), [200]);
    assert.equal((await h.request('/directory_users?group=g_1', { key: e.apiKey }, gw)).status, 200, 'no directory named: the rule does not apply');
  });

  test('Audit Logs POST /audit_logs/events, per environment: two keys share it, another environment does not', async () => {
    const e = await fresh();
    const second = (await h.credentials.createApiKey(e.environmentId, { name: 'second' })).value;
    const send = (key: string) => () =>
      h.request('/audit_logs/events', { key, method: 'POST', body: '{"organization_id":"org_1","event":{}}', headers: { 'content-type': 'application/json' } }, gw);
    assert.deepEqual(await statuses(1, send(e.apiKey)), [201]);
    assert.deepEqual(await statuses(2, send(second)), [201, 429]);
    assert.deepEqual(await statuses(1, send((await fresh()).apiKey)), [201]);
    assert.equal((await h.request('/audit_logs/exports/audit_log_export_1', { key: e.apiKey }, gw)).status, 200, 'other audit-log routes keep their budget');
  });

  test('GET /events, per environment', async () => {
    const e = await fresh();
    assert.deepEqual(await statuses(3, () => h.request('/events?events=user.created', { key: e.apiKey }, gw)), [200, 200, 429]);
  });
});
