import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayHarness, contextOf } from './support/gateway.harness';
import type { EchoedRequest } from './support/echo.upstream';

/** A compact JWS shape with these claims; the gateway reads it, identity verifies the signature. */
const tokenNaming = (claims: Record<string, unknown>) => ['{"alg":"RS256"}', JSON.stringify(claims), 'sig'].map((p) => Buffer.from(p).toString('base64url')).join('.');

/** The `widget_token` route mode: the environment comes from the client ID a widget token names. */
describe('api-gateway widget routes', () => {
  const h = new GatewayHarness();
  let env: { environmentId: string; apiKey: string };
  let clientId: string;
  let otherClientId: string;
  const app = 'https://app.example.com';

  before(async () => {
    await h.start('widget_token');
    env = await h.environment();
    clientId = (await h.credentials.listClientIds(env.environmentId))[0]!.id;
    const other = await h.environment();
    otherClientId = (await h.credentials.listClientIds(other.environmentId))[0]!.id;
    await h.credentials.addCorsOrigin(env.environmentId, app);
    await h.credentials.addCorsOrigin(other.environmentId, 'https://other.example.com');
  });
  after(() => h.close());

  const widgetCall = (token: string, init: RequestInit = {}) => h.request('/widgets/users-table/members', { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  test("a widget token's client ID gives the environment; the token itself travels on for identity to verify", async () => {
    const token = tokenNaming({ client_id: clientId, org_id: 'org_x' });
    const res = await widgetCall(token);
    assert.equal(res.status, 200, await res.clone().text());
    const echo = (await res.json()) as EchoedRequest;
    assert.deepEqual(contextOf(echo), { environmentId: env.environmentId, authKind: 'public_client', clientId });
    assert.equal(echo.headers.authorization, `Bearer ${token}`);
  });

  test('no token, an API key, a token naming no or an unknown client: 401 before any service is called', async () => {
    const before = h.upstream.received.length;
    for (const authorization of [undefined, `Bearer ${env.apiKey}`, `Bearer ${tokenNaming({ org_id: 'org_x' })}`, `Bearer ${tokenNaming({ client_id: 'client_01ARZ3NDEKTSV4RRFFQ69G5FAV' })}`, 'Bearer a.b.c', `Bearer ${'a'.repeat(5000)}.b.c`]) {
      const res = await h.request('/widgets/sso/connections', { headers: authorization ? { authorization } : {} });
      assert.equal(res.status, 401, authorization);
      assert.equal(((await res.json()) as { code: string }).code, 'unauthorized');
    }
    assert.equal(h.upstream.received.length, before);
  });

  test('POST /widgets/token takes the API key, like any management route', async () => {
    const res = await h.request('/widgets/token', { method: 'POST', key: env.apiKey, body: '{}', headers: { 'content-type': 'application/json' } });
    const echo = (await res.json()) as EchoedRequest;
    assert.equal(contextOf(echo)?.authKind, 'api_key');
    assert.equal(echo.headers.authorization, undefined, 'the API key stays at the edge');
    assert.equal((await h.request('/widgets/token', { method: 'POST', body: '{}' })).status, 401);
  });

  test("CORS: the preflight allows the widgets' methods; a response is readable only by the token environment's origins", async () => {
    const preflight = await h.request('/widgets/users-table/members/om_1', {
      method: 'OPTIONS',
      headers: { origin: app, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), app);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT, PATCH, DELETE/);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'authorization');
    const unknown = await h.request('/widgets/users-table/members', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    assert.equal(unknown.status, 403);

    const mine = await widgetCall(tokenNaming({ client_id: clientId }), { headers: { origin: app } });
    assert.equal(mine.headers.get('access-control-allow-origin'), app);
    const foreign = await widgetCall(tokenNaming({ client_id: otherClientId }), { headers: { origin: app } });
    assert.equal(foreign.status, 200, 'forwarded (identity decides), but not readable by this origin');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});
