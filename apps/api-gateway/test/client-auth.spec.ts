import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_HEADERS, signInternalRequest } from '@wos/platform';
import { waitFor } from '@wos/platform/testing';
import { GatewayHarness, INTERNAL_SECRET, contextOf } from './support/gateway.harness';
import type { EchoedRequest } from './support/echo.upstream';

/** Public-client routes: the environment comes from a client ID, redirect URIs are checked exactly. */
describe('api-gateway public clients and redirect URIs', () => {
  const h = new GatewayHarness();
  let env: Awaited<ReturnType<GatewayHarness['environment']>>;
  let clientId: string;
  let other: { environmentId: string; clientId: string };
  const callback = 'https://app.example.com/callback';

  before(async () => {
    await h.start('client_auth');
    env = await h.environment();
    clientId = (await h.credentials.listClientIds(env.environmentId))[0]!.id;
    await h.credentials.addRedirectUri(env.environmentId, callback);
    const o = await h.environment();
    other = { environmentId: o.environmentId, clientId: (await h.credentials.listClientIds(o.environmentId))[0]!.id };
    await h.credentials.addRedirectUri(o.environmentId, 'https://other.example.com/cb');
  });
  after(() => h.close());

  const echoed = async (res: Response) => {
    assert.ok(res.status === 200 || res.status === 201, await res.clone().text());
    return (await res.json()) as EchoedRequest;
  };
  const errorOf = async (res: Response) => ({ status: res.status, body: (await res.json()) as { code: string; message: string } });

  test('/sso/authorize resolves the client ID to its environment and signs it as a public client', async () => {
    const q = new URLSearchParams({ client_id: clientId, redirect_uri: callback, response_type: 'code', provider: 'GoogleOAuth' });
    const echo = await echoed(await h.request(`/sso/authorize?${q}`));
    assert.deepEqual(contextOf(echo), { environmentId: env.environmentId, authKind: 'public_client', clientId });
  });

  test('a redirect URI is compared exactly, and per environment', async () => {
    for (const uri of [`${callback}/`, 'https://APP.example.com/callback', `${callback}?x=1`, 'https://other.example.com/cb', '']) {
      const q = new URLSearchParams({ client_id: clientId, redirect_uri: uri });
      const { status, body } = await errorOf(await h.request(`/sso/authorize?${q}`));
      assert.equal(status, 400, uri);
      assert.equal(body.code, 'invalid_redirect_uri', uri);
    }
    assert.equal(h.upstream.received.filter((r) => r.url.includes('APP.example')).length, 0, 'refused requests never reach the service');
  });

  test('an unknown, malformed, missing or repeated client ID is a 400 invalid_client', async () => {
    for (const q of [`client_id=client_01ARZ3NDEKTSV4RRFFQ69G5FAV&redirect_uri=${encodeURIComponent(callback)}`, 'client_id=nope', '', `client_id=${clientId}&client_id=${other.clientId}`]) {
      const { status, body } = await errorOf(await h.request(`/user_management/authorize?${q}`));
      assert.equal(status, 400, q);
      assert.equal(body.code, 'invalid_client', q);
    }
  });

  test('/sso/jwks/<client_id> takes the client ID from the path', async () => {
    const echo = await echoed(await h.request(`/sso/jwks/${clientId}`));
    assert.equal(contextOf(echo)?.environmentId, env.environmentId);
    assert.equal((await errorOf(await h.request('/sso/jwks/client_01ARZ3NDEKTSV4RRFFQ69G5FAV'))).status, 400);
  });

  test('/sso/token with an API key header is an api_key caller; the key does not travel on', async () => {
    const body = new URLSearchParams({ client_id: clientId, grant_type: 'authorization_code', code: 'c' });
    const echo = await echoed(await h.request('/sso/token', { method: 'POST', key: env.apiKey, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    assert.equal(contextOf(echo)?.authKind, 'api_key');
    assert.equal(echo.headers.authorization, undefined);
    assert.equal(echo.body, body.toString(), 'the body is forwarded unchanged');
  });

  // Review L12: the key used to travel on to the service inside the body.
  test('/sso/token with client_secret in a form or JSON body authenticates that key, which goes no further', async () => {
    const form = new URLSearchParams({ client_id: clientId, client_secret: env.apiKey, grant_type: 'authorization_code', code: 'c' });
    let echo = await echoed(await h.request('/sso/token', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    assert.equal(contextOf(echo)?.authKind, 'api_key');
    assert.equal(echo.body, `client_id=${clientId}&grant_type=authorization_code&code=c`);
    echo = await echoed(
      await h.request('/user_management/authenticate', {
        method: 'POST',
        body: JSON.stringify({ client_id: clientId, client_secret: env.apiKey, grant_type: 'password' }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    assert.equal(contextOf(echo)?.environmentId, env.environmentId);
    assert.deepEqual(JSON.parse(echo.body), { client_id: clientId, grant_type: 'password' });
    // The Node SDK sends its key in both places; the query is a place too.
    echo = await echoed(
      await h.request(`/sso/token?client_secret=${env.apiKey}`, {
        method: 'POST',
        key: env.apiKey,
        body: `client_id=${clientId}&client_secret=${env.apiKey}&code=c`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    assert.equal(echo.url, '/sso/token');
    assert.equal(echo.body, `client_id=${clientId}&code=c`);
    assert.equal(JSON.stringify(h.upstream.received).includes(env.apiKey), false, 'the key reached no service');
    const bad = await errorOf(await h.request('/sso/token', { method: 'POST', body: `client_id=${clientId}&client_secret=sk_test_wrong`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    assert.equal(bad.status, 401);
  });

  test('/user_management/authenticate without any secret is a public client of the body\'s client_id', async () => {
    const echo = await echoed(
      await h.request('/user_management/authenticate', {
        method: 'POST',
        body: JSON.stringify({ client_id: other.clientId, grant_type: 'authorization_code', code: 'c', code_verifier: 'v' }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    assert.deepEqual(contextOf(echo), { environmentId: other.environmentId, authKind: 'public_client', clientId: other.clientId });
    assert.equal((await errorOf(await h.request('/user_management/authenticate', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }))).status, 400);
  });

  test('a client cannot claim public-client context with forged headers', async () => {
    const q = new URLSearchParams({ client_id: clientId, redirect_uri: callback });
    const echo = await echoed(await h.request(`/sso/authorize?${q}`, { headers: { [INTERNAL_HEADERS.authKind]: 'api_key', [INTERNAL_HEADERS.clientId]: other.clientId } }));
    assert.deepEqual(contextOf(echo), { environmentId: env.environmentId, authKind: 'public_client', clientId });
  });

  test('redirect URIs must be absolute http(s) URLs without fragments', async () => {
    for (const uri of ['relative/path', 'javascript:alert(1)', 'https://a.example/#x', 'https://u:p@a.example/', '']) {
      await assert.rejects(h.credentials.addRedirectUri(env.environmentId, uri), /redirect URI/, uri);
    }
  });

  test('redirect URIs are cached per environment and coherent with every writer: this gateway, another one, and SQL', async () => {
    const second = await h.startGateway();
    const authorize = (uri: string, gw = h.gateway) => h.request(`/sso/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: uri, provider: 'GoogleOAuth' })}`, {}, gw);
    const add = async (uri: string) => {
      const res = await h.request('/user_management/redirect_uris', { key: env.apiKey, method: 'POST', body: JSON.stringify({ uri }), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 201);
      return ((await res.json()) as { id: string }).id;
    };
    const remove = async (id: string) => assert.equal((await h.request(`/user_management/redirect_uris/${id}`, { key: env.apiKey, method: 'DELETE' })).status, 204);
    const refusedWithin = (uri: string, gw: typeof h.gateway) =>
      waitFor(async () => (await authorize(uri, gw)).status === 400, { timeoutMs: 2000, intervalMs: 20, message: `${uri} refused` });

    // Both gateways have the environment cached (each answered a yes from it).
    assert.equal((await authorize(callback)).status, 200);
    assert.equal((await authorize(callback, second)).status, 200);
    // Added through this gateway, or by SQL behind every gateway's back: allowed at the next request (a "no" is never cached).
    const a = await add('https://app.example.com/cache-a');
    assert.equal((await authorize('https://app.example.com/cache-a', second)).status, 200);
    await h.prisma.$executeRaw`INSERT INTO redirect_uris (id, environment_id, uri) VALUES (${`redirect_uri_sql${Date.now()}`}, ${env.environmentId}, ${'https://app.example.com/cache-sql'})`;
    assert.equal((await authorize('https://app.example.com/cache-sql')).status, 200);
    // Removed through this gateway: refused by it at once, by the other gateway when the NOTIFY arrives.
    await remove(a);
    assert.equal((await authorize('https://app.example.com/cache-a')).status, 400);
    await refusedWithin('https://app.example.com/cache-a', second);
    // Removed by SQL (the trigger notifies): refused by both.
    await h.prisma.$executeRaw`DELETE FROM redirect_uris WHERE environment_id = ${env.environmentId} AND uri = ${'https://app.example.com/cache-sql'}`;
    await refusedWithin('https://app.example.com/cache-sql', h.gateway);
    await refusedWithin('https://app.example.com/cache-sql', second);
  });

  test('the internal redirect-URI check answers only a signed caller, and only about the signed environment (identity\'s logout)', async () => {
    const path = (uri: string) => `/_internal/redirect_uris/allowed?${new URLSearchParams({ uri })}`;
    const check = (uri: string, headers: Record<string, string> = {}) => h.request(path(uri), { headers });
    const signedWith = (key: string, audience: string, environmentId: string, uri: string) => signInternalRequest(key, audience, environmentId, { method: 'GET', path: path(uri) });
    const signed = (environmentId: string, uri = callback) => signedWith(INTERNAL_SECRET, 'api-gateway', environmentId, uri);
    assert.deepEqual(await (await check(callback, signed(env.environmentId))).json(), { allowed: true });
    for (const uri of [`${callback}/`, 'https://other.example.com/cb', 'https://evil.example/']) {
      assert.deepEqual(await (await check(uri, signed(env.environmentId, uri))).json(), { allowed: false }, uri);
    }
    assert.deepEqual(await (await check('https://other.example.com/cb', signed(other.environmentId, 'https://other.example.com/cb'))).json(), { allowed: true });
    // Signed for another URI, or for another service, the same headers are refused.
    assert.equal((await check(callback, signed(env.environmentId, 'https://other.example.com/cb'))).status, 401);
    assert.equal((await check(callback, signedWith(INTERNAL_SECRET, 'identity', env.environmentId, callback))).status, 401);
    const unsigned = await check(callback);
    assert.equal(unsigned.status, 401);
    const forged = await check(callback, signedWith('not-the-gateway-key-at-all', 'api-gateway', env.environmentId, callback));
    assert.equal(forged.status, 401);
    assert.equal(h.upstream.received.filter((r) => r.url.includes('_internal')).length, 0, 'never proxied');
  });

  test("the internal default redirect URI is the signed environment's first registered one, null without any (identity's Magic Link)", async () => {
    const path = '/_internal/default_redirect_uri';
    const ask = async (environmentId: string) => (await h.request(path, { headers: signInternalRequest(INTERNAL_SECRET, 'api-gateway', environmentId, { method: 'GET', path }) })).json();
    await h.credentials.addRedirectUri(env.environmentId, 'https://app.example.com/registered-later');
    assert.deepEqual(await ask(env.environmentId), { uri: callback });
    assert.deepEqual(await ask(other.environmentId), { uri: 'https://other.example.com/cb' });
    const empty = await h.environment();
    assert.deepEqual(await ask(empty.environmentId), { uri: null });
    const listed = await h.credentials.listRedirectUris(env.environmentId);
    assert.deepEqual(listed.filter((r) => r.default).map((r) => r.uri), [callback], 'the list marks the same one as the default');
    assert.equal((await h.request(path)).status, 401, 'unsigned');
  });
});
