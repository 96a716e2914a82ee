import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@wos/platform/testing';
import { GatewayHarness, closedPort, contextOf } from './support/gateway.harness';
import type { EchoedRequest } from './support/echo.upstream';

const UNAUTHORIZED = { message: 'Could not authorize the request. Maybe your API key is invalid?', code: 'unauthorized' };

describe('api-gateway authentication', () => {
  const h = new GatewayHarness();
  let env: Awaited<ReturnType<GatewayHarness['environment']>>;

  before(async () => {
    await h.start('auth');
    env = await h.environment();
  });
  after(() => h.close());

  async function assertUnauthorized(res: Response) {
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.match(res.headers.get('x-request-id') ?? '', /^req_/);
    assert.deepEqual(await res.json(), UNAUTHORIZED);
  }

  test('401 without an Authorization header', async () => {
    await assertUnauthorized(await h.request('/organizations'));
  });

  test('401 for a scheme other than Bearer', async () => {
    await assertUnauthorized(await h.request('/organizations', { headers: { authorization: `Basic ${env.apiKey}` } }));
  });

  test('401 for an unknown or malformed key', async () => {
    await assertUnauthorized(await h.request('/organizations', { key: `sk_test_${'A'.repeat(43)}` }));
    await assertUnauthorized(await h.request('/organizations', { key: 'not-a-key' }));
    await assertUnauthorized(await h.request('/organizations', { headers: { authorization: 'Bearer' } }));
  });

  test('a valid key reaches the service with a signed environment context', async () => {
    const res = await h.request('/organizations?limit=5&order=desc', {
      key: env.apiKey,
      headers: { 'x-wos-environment-id': 'environment_forged', 'x-wos-signature': 'forged', 'x-wos-timestamp': '1' },
    });
    assert.equal(res.status, 200);
    const echo = (await res.json()) as EchoedRequest;
    assert.equal(echo.url, '/organizations?limit=5&order=desc');
    assert.equal(contextOf(echo)?.environmentId, env.environmentId);
    assert.equal(echo.headers['x-wos-environment-id'], env.environmentId);
    assert.equal(echo.headers.authorization, undefined, 'the API key stays at the edge');
    assert.equal(echo.headers['x-request-id'], res.headers.get('x-request-id'));
    assert.equal(res.headers.get('x-wos-internal-debug'), null, 'internal headers do not leak back');
    assert.equal(res.headers.get('x-upstream'), 'yes');
  });

  test('a live key authenticates a live environment', async () => {
    const live = await h.environment('live');
    assert.match(live.apiKey, /^sk_live_/);
    const res = await h.request('/organizations', { key: live.apiKey });
    assert.equal(contextOf((await res.json()) as EchoedRequest)?.environmentId, live.environmentId);
  });

  test('503 JSON, not 401, when keys cannot be looked up', async () => {
    const gw = await h.startGateway({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${await closedPort()}/none` });
    const res = await h.request('/organizations', { key: env.apiKey }, gw);
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { code: string }).code, 'service_unavailable');
  });

  test('a revoked key is refused once its cache entry expires', async () => {
    const key = await h.credentials.createApiKey(env.environmentId, { name: 'to revoke' });
    assert.equal((await h.request('/organizations', { key: key.value })).status, 200);
    await h.credentials.revokeApiKey(key.id);
    const res = await waitFor(async () => {
      const r = await h.request('/organizations', { key: key.value });
      return r.status === 401 ? r : (await r.body?.cancel(), false);
    }, { message: 'revoked key to be refused', timeoutMs: 5000 });
    await assertUnauthorized(res);
    assert.equal((await h.request('/organizations', { key: env.apiKey })).status, 200, 'other keys keep working');
  });
});
