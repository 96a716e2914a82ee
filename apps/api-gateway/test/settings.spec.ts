import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayHarness } from './support/gateway.harness';

/**
 * Issue 21 item 7: the settings the official `workos` CLI manages (`workos config redirect add`,
 * `config cors add`, `config homepage-url set`), and the CORS policy the origins drive.
 */
describe('api-gateway settings endpoints and CORS', () => {
  const h = new GatewayHarness();
  let env: { environmentId: string; apiKey: string };
  let other: { environmentId: string; apiKey: string };
  let clientId: string;
  const app = 'https://app.example.com';

  before(async () => {
    await h.start('settings');
    env = await h.environment();
    other = await h.environment();
    clientId = (await h.credentials.listClientIds(env.environmentId))[0]!.id;
  });
  after(() => h.close());

  const call = async (method: string, path: string, body?: unknown, key = env.apiKey) => {
    const res = await h.request(path, { key, method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { data?: Record<string, unknown>[] } };
  };

  test('redirect URIs: add (as the CLI does), already-exists 422, list, and the URI works at once', async () => {
    const uri = 'https://app.example.com/callback';
    const added = await call('POST', '/user_management/redirect_uris', { uri });
    assert.equal(added.status, 201);
    assert.equal(added.body.object, 'redirect_uri');
    assert.equal(added.body.uri, uri);
    assert.equal(added.body.default, true, 'the first redirect URI added is the default');
    const again = await call('POST', '/user_management/redirect_uris', { uri });
    assert.equal(again.status, 422);
    assert.equal(again.body.code, 'redirect_uri_already_exists');
    assert.match(String(again.body.message), /already exists/, 'the CLI reads a 422 with "already exists" as no change');
    const list = await call('GET', '/user_management/redirect_uris');
    assert.deepEqual(list.body.data?.map((r) => [r.uri, r.default]), [[uri, true]], "the environment's first redirect URI is its default");
    assert.deepEqual((await call('GET', '/user_management/redirect_uris', undefined, other.apiKey)).body.data, [], 'per environment');
    const authorize = await h.request(`/sso/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: uri, provider: 'GoogleOAuth' })}`);
    assert.equal(authorize.status, 200, 'the gateway accepts it as a redirect_uri');
    assert.equal((await call('POST', '/user_management/redirect_uris', { uri: 'javascript:alert(1)' })).status, 400);
    const unknown = await call('POST', '/user_management/redirect_uris', { uri, extra: 1 });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.code, 'invalid_request_parameters');
  });

  test('redirect URIs: DELETE by ID (the Java SDK deleteRedirectUris), only within the caller environment', async () => {
    const uri = 'https://app.example.com/to-delete';
    const added = await call('POST', '/user_management/redirect_uris', { uri });
    assert.deepEqual([added.body.default, added.body.updated_at], [false, added.body.created_at], 'the Java SDK model needs default and updated_at');
    const id = String(added.body.id);
    const foreign = await h.request(`/user_management/redirect_uris/${id}`, { key: other.apiKey, method: 'DELETE' });
    assert.equal(foreign.status, 404, 'another environment cannot delete it');
    const deleted = await h.request(`/user_management/redirect_uris/${id}`, { key: env.apiKey, method: 'DELETE' });
    assert.equal(deleted.status, 204);
    assert.ok(!(await call('GET', '/user_management/redirect_uris')).body.data?.some((r) => r.uri === uri));
    const authorize = await h.request(`/sso/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: uri, provider: 'GoogleOAuth' })}`);
    assert.equal(authorize.status, 400, 'the deleted URI is refused at once');
    assert.equal((await h.request(`/user_management/redirect_uris/${id}`, { key: env.apiKey, method: 'DELETE' })).status, 404);
    assert.equal((await h.request('/user_management/redirect_uris/not-an-id', { key: env.apiKey, method: 'DELETE' })).status, 404);
    assert.equal((await h.request(`/user_management/redirect_uris/${id}`, { method: 'DELETE' })).status, 401);
  });

  test('CORS origins: add normalised, already-exists 422, list', async () => {
    const added = await call('POST', '/user_management/cors_origins', { origin: 'https://App.Example.com/' });
    assert.equal(added.status, 201);
    assert.deepEqual([added.body.object, added.body.origin], ['cors_origin', app]);
    const again = await call('POST', '/user_management/cors_origins', { origin: app });
    assert.equal(again.status, 422);
    assert.equal(again.body.code, 'cors_origin_already_exists');
    assert.deepEqual((await call('GET', '/user_management/cors_origins')).body.data?.map((o) => o.origin), [app]);
    assert.equal((await call('POST', '/user_management/cors_origins', { origin: 'https://app.example.com/path' })).status, 400);
  });

  test('app homepage URL: set and read', async () => {
    assert.deepEqual((await call('GET', '/user_management/app_homepage_url')).body, { object: 'app_homepage_url', url: null });
    const set = await call('PUT', '/user_management/app_homepage_url', { url: 'https://app.example.com/home' });
    assert.deepEqual([set.status, set.body.url], [200, 'https://app.example.com/home']);
    assert.equal((await call('GET', '/user_management/app_homepage_url')).body.url, 'https://app.example.com/home');
    assert.equal((await call('PUT', '/user_management/app_homepage_url', { url: 'ftp://x' })).status, 400);
  });

  test('the settings need an API key, and unknown methods are a JSON 404', async () => {
    const res = await h.request('/user_management/cors_origins');
    assert.equal(res.status, 401);
    const del = await call('DELETE', '/user_management/cors_origins');
    assert.equal(del.status, 404);
    assert.equal(del.body.code, 'not_found');
  });

  test('a preflight from an allowed origin gets CORS headers; others are refused', async () => {
    await call('POST', '/user_management/cors_origins', { origin: 'http://localhost:3000' });
    const preflight = (path: string, origin: string) =>
      h.request(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const ok = await preflight('/user_management/authenticate', app);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), app);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(ok.headers.get('access-control-allow-headers'), 'content-type');
    assert.equal(ok.headers.get('vary'), 'Origin');
    const refused = await preflight('/user_management/authenticate', 'https://evil.example');
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { code: string }).code, 'cors_origin_not_allowed');
    // With a client ID, only that environment's origins pass.
    const otherClient = (await h.credentials.listClientIds(other.environmentId))[0]!.id;
    assert.equal((await preflight(`/sso/jwks/${clientId}`, app)).status, 204);
    assert.equal((await preflight(`/sso/jwks/${otherClient}`, app)).status, 403);
  });

  test("an actual browser request is readable only by the environment's origins, and never on API-key routes", async () => {
    const authenticate = (origin: string) =>
      h.request('/user_management/authenticate', {
        method: 'POST',
        body: JSON.stringify({ client_id: clientId, grant_type: 'authorization_code', code: 'c', code_verifier: 'v' }),
        headers: { 'content-type': 'application/json', origin },
      });
    const allowed = await authenticate(app);
    assert.equal(allowed.headers.get('access-control-allow-origin'), app);
    assert.match(allowed.headers.get('access-control-expose-headers') ?? '', /X-Request-ID/);
    assert.equal((await authenticate('https://evil.example')).headers.get('access-control-allow-origin'), null);
    const keyRoute = await h.request('/organizations', { key: env.apiKey, headers: { origin: app } });
    assert.equal(keyRoute.headers.get('access-control-allow-origin'), null);
  });
});
