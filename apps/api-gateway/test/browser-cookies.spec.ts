import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayHarness } from './support/gateway.harness';
import type { EchoedRequest } from './support/echo.upstream';

/**
 * authkit-js's cookie mode: credentialed CORS on the token endpoint, and the refresh cookie
 * reaching identity only from the environment's own CORS origins.
 */
describe('api-gateway browser credentials', () => {
  const h = new GatewayHarness();
  let clientId: string;
  const app = 'https://app.example.com';

  before(async () => {
    await h.start('browser_cookies');
    const env = await h.environment();
    clientId = (await h.credentials.listClientIds(env.environmentId))[0]!.id;
    await h.credentials.addCorsOrigin(env.environmentId, app);
    const other = await h.environment();
    await h.credentials.addCorsOrigin(other.environmentId, 'https://other.example.com');
  });
  after(() => h.close());

  const refresh = (origin: string | undefined) =>
    h.request('/user_management/authenticate', {
      method: 'POST',
      body: JSON.stringify({ client_id: clientId, grant_type: 'refresh_token' }),
      headers: { 'content-type': 'application/json', cookie: `wos-refresh-${clientId}=secret`, ...(origin ? { origin } : {}) },
    });

  test('preflights and answers to an allowed origin allow credentials', async () => {
    const pre = await h.request('/user_management/authenticate', { method: 'OPTIONS', headers: { origin: app, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
    const res = await refresh(app);
    assert.equal(res.headers.get('access-control-allow-origin'), app);
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(((await res.json()) as EchoedRequest).headers.cookie, `wos-refresh-${clientId}=secret`, 'the refresh cookie reaches identity');
  });

  test("another origin (even one another environment allows) neither reads the answer nor sends the environment's cookies", async () => {
    for (const origin of ['https://other.example.com', 'https://evil.example']) {
      const res = await refresh(origin);
      assert.equal(res.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(((await res.json()) as EchoedRequest).headers.cookie, undefined, origin);
    }
    assert.equal(((await (await refresh(undefined)).json()) as EchoedRequest).headers.cookie, `wos-refresh-${clientId}=secret`, 'a request without Origin is no browser call: nothing to refuse');
  });
});
