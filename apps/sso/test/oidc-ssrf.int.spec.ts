import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { newId } from '@wos/platform';
import { signedHeaders, startHarness, freePort, type Harness } from './support/harness';
import { TestOidcIdp } from './support/oidc-idp';
import { Browser } from './support/browser';

const CLIENT = 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ';
const APP = 'https://app.example.com/callback';

/**
 * H3: a discovery document cannot send the sso service to an internal address. The service
 * allows only 127.0.0.1 here (where the test IdPs listen); a listener on 127.0.0.2, loopback but
 * outside the allow-list, stands for an internal service and proves no request reaches it,
 * neither when a connection is saved nor when a connection saved before the check signs in.
 */
describe('OIDC endpoints and the address policy', () => {
  let h: Harness;
  let op: TestOidcIdp;
  let docs: Server;
  let docsUrl: string;
  let internal: Server;
  let internalUrl: string;
  const internalHits: string[] = [];
  let discovery: Record<string, unknown> = {};

  before(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    op = await TestOidcIdp.start([{ client_id: 'wos-oidc', client_secret: 'oidc-secret-1', redirect_uris: [`${base}/sso/oidc/callback`] }]);
    h = await startHarness('sso_oidc_ssrf', { PORT: String(port), PUBLIC_BASE_URL: base, SSO_ALLOWED_IDP_CIDRS: '127.0.0.1/32' });
    docs = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(discovery)));
    await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
    docsUrl = `http://127.0.0.1:${(docs.address() as { port: number }).port}`;
    internal = createServer((req, res) => {
      internalHits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
    });
    await new Promise<void>((r) => internal.listen(0, '127.0.0.2', r));
    internalUrl = `http://127.0.0.2:${(internal.address() as { port: number }).port}`;
  });
  after(async () => {
    docs?.close();
    internal?.close();
    await h?.close();
    await op?.close();
  });

  const create = (env: string, discoveryUrl: string) =>
    h.call(env, 'POST', '/connections', {
      body: { name: 'OIDC', connection_type: 'GenericOIDC', oidc: { discovery_url: discoveryUrl, client_id: 'wos-oidc', client_secret: 'oidc-secret-1' }, activate: true },
    });

  test('saving: a discovered jwks_uri, token_endpoint or userinfo_endpoint at a forbidden address is a 400, and nothing is written', async () => {
    const env = newId('environment');
    const good = { issuer: docsUrl, authorization_endpoint: `${docsUrl}/auth`, token_endpoint: `${docsUrl}/token`, jwks_uri: `${docsUrl}/jwks`, userinfo_endpoint: `${docsUrl}/me` };
    const bad = [
      { jwks_uri: `${internalUrl}/jwks` },
      { jwks_uri: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' },
      { token_endpoint: `${internalUrl}/token` },
      { userinfo_endpoint: `${internalUrl}/me` },
    ];
    for (const override of bad) {
      discovery = { ...good, ...override };
      const r = await create(env, `${docsUrl}/.well-known/openid-configuration`);
      assert.equal(r.status, 400, `${JSON.stringify(override)}: ${r.text}`);
      assert.equal(r.body.code, 'idp_url_not_allowed');
    }
    const other = await create(env, `${internalUrl}/.well-known/openid-configuration`);
    assert.equal(other.body.code, 'idp_url_not_allowed', 'the discovery URL itself');
    assert.deepEqual((await h.call(env, 'GET', '/connections')).body.data, []);
    discovery = good;
    assert.equal((await create(env, `${docsUrl}/.well-known/openid-configuration`)).status, 201, 'the same document with allowed endpoints is accepted');
    assert.deepEqual(internalHits, []);
  });

  test('signing in: a connection whose stored jwks_uri points at a forbidden address is refused with sso_failed, and the address is never contacted', async () => {
    const env = newId('environment');
    const r = await create(env, `${op.issuer}/.well-known/openid-configuration`);
    assert.equal(r.status, 201, r.text);
    // As a connection saved before endpoints were checked would be.
    await h.pool.query(`UPDATE connections SET settings = jsonb_set(settings, '{jwks_uri}', to_jsonb($2::text)), updated_at = now() WHERE id = $1`, [r.body.id, `${internalUrl}/jwks`]);
    op.user = { sub: 'ssrf-1', claims: { email: 'ssrf@example.com', email_verified: true } };
    const result = await new Browser().browse(`${h.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: APP, response_type: 'code', connection: r.body.id })}`, APP, { headers: signedHeaders(env, 'GET', `${h.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: APP, response_type: 'code', connection: r.body.id })}`, { authKind: 'public_client', clientId: CLIENT }) });
    assert.equal(result.landed, undefined, 'no code is issued');
    assert.equal(result.status, 400, result.body);
    assert.equal(JSON.parse(result.body).code, 'idp_url_not_allowed');
    assert.deepEqual(await h.failureReasons(env), ['idp_url_not_allowed']);
    assert.deepEqual(internalHits, []);
  });
});
