import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { WorkOS } from '@workos-inc/node';
import { uniqueSuffix } from '@wos/platform/testing';
import { startE2e, type E2e } from '../support/e2e-stack';
import { authorizeWithPassword, OAuthAgent, pkcePair } from '../support/oauth-agent';

const REDIRECT = 'http://127.0.0.1:9911/callback';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const THIRD_PARTY = 'https://third-party.example.com/oauth/callback';

describe('Connect authorization server (oidc-provider) through the gateway', () => {
  let e: E2e;
  let issuer: string;
  let other: { workos: WorkOS; clientId: string };
  let orgId: string;
  const tag = uniqueSuffix();
  const user = { email: `oauth-${tag}@example.com`, password: `Pw-${tag}-correct-horse` };

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const form = async (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await fetch(new URL(path, e.baseUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const m2mApp = async (workos: WorkOS, scopes = ['reports:read', 'reports:write']) => {
    const app = await workos.connect.createApplication({ applicationType: 'm2m', name: `M2M ${tag}`, organizationId: orgId, scopes });
    const secret = await workos.connect.createApplicationClientSecret({ id: app.id });
    return { app, secret: secret.secret, secretId: secret.id };
  };

  let jose: typeof import('jose', { with: { 'resolution-mode': 'import' } });

  before(async () => {
    jose = await import('jose'); // ESM-only; this file is CommonJS
    e = await startE2e({ name: 'connect_oauth', portOffset: 11500, apps: ['organizations', 'events', 'identity'] });
    issuer = `${e.baseUrl}/oauth2/${e.creds.client_id}`;
    const env = await e.createEnvironment(`oauth-other-${tag}`);
    other = { workos: e.client(env.api_key), clientId: env.client_id };
    orgId = (await e.workos.organizations.createOrganization({ name: `OAuth ${tag}` })).id;
    await e.workos.userManagement.createUser({ email: user.email, password: user.password, firstName: 'Ada', lastName: 'Lovelace', emailVerified: true });
  });
  after(async () => {
    await e?.stop();
  });

  test('OpenID Connect Discovery 1.0 §4 and RFC 8414 §3: metadata names this issuer and its endpoints', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Record<string, unknown>;
    assert.equal(doc.issuer, issuer);
    assert.equal(doc.token_endpoint, `${issuer}/token`);
    assert.equal(doc.authorization_endpoint, `${issuer}/authorize`);
    assert.equal(doc.jwks_uri, `${issuer}/jwks`);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    assert.ok((doc.grant_types_supported as string[]).includes('client_credentials'));
    assert.equal(doc.introspection_endpoint, `${issuer}/introspect`);
    assert.equal(doc.revocation_endpoint, `${issuer}/revoke`);
    assert.equal(doc.registration_endpoint, undefined, 'dynamic registration is off by default');
    const as = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
    assert.equal(as.status, 200);
    assert.equal(((await as.json()) as { issuer: string }).issuer, issuer);
    assert.equal((await fetch(`${e.baseUrl}/oauth2/client_01HZBC6N1EB1ZY7KG32XAAAAAA/.well-known/openid-configuration`)).status, 400, 'an unknown environment client ID has no issuer');
  });

  test('RFC 6749 §4.4: client_credentials gives an M2M JWT that jose verifies against the environment JWKS (AuthKit keys)', async () => {
    const { app, secret } = await m2mApp(e.workos);
    const res = await form(`${issuer}/token`, { grant_type: 'client_credentials', scope: 'reports:read' }, { authorization: basic(app.clientId, secret) });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.token_type, 'Bearer');
    const token = res.json.access_token as string;
    for (const jwks of [`${issuer}/jwks`, `${e.baseUrl}/sso/jwks/${e.creds.client_id}`]) {
      const { payload, protectedHeader } = await jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(jwks)), { issuer, audience: issuer, algorithms: ['RS256'] });
      assert.equal(protectedHeader.typ, 'at+jwt');
      assert.equal(payload.sub, app.clientId);
      assert.equal(payload.client_id, app.clientId);
      assert.equal(payload.org_id, orgId);
      assert.equal(payload.scope, 'reports:read');
    }
    assert.equal(jose.decodeProtectedHeader(token).alg, 'RS256');

    // RFC 6749 §2.3.1: the secret may also travel in the body.
    const post = await form(`${issuer}/token`, { grant_type: 'client_credentials', client_id: app.clientId, client_secret: secret });
    assert.equal(post.status, 200, JSON.stringify(post.json));
    // RFC 6749 §3.3: the server may issue fewer scopes than asked; one the application was not given is left out.
    const fewer = await form(`${issuer}/token`, { grant_type: 'client_credentials', scope: 'admin reports:write' }, { authorization: basic(app.clientId, secret) });
    assert.equal(fewer.status, 200, JSON.stringify(fewer.json));
    assert.equal(fewer.json.scope, 'reports:write');
  });

  test('RFC 8707 §2: a resource indicator becomes the audience; a fragment is invalid_target', async () => {
    const { app, secret } = await m2mApp(e.workos);
    const resource = 'https://api.example.com/v1';
    const res = await form(`${issuer}/token`, { grant_type: 'client_credentials', resource }, { authorization: basic(app.clientId, secret) });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const { payload } = await jose.jwtVerify(res.json.access_token as string, jose.createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: resource });
    assert.equal(payload.aud, resource);
    const frag = await form(`${issuer}/token`, { grant_type: 'client_credentials', resource: 'https://api.example.com/#x' }, { authorization: basic(app.clientId, secret) });
    assert.equal(frag.status, 400);
    assert.equal(frag.json.error, 'invalid_target');
  });

  test('RFC 6749 §5.2 invalid_client: wrong, deleted or other-environment secrets get no token', async () => {
    const { app, secret, secretId } = await m2mApp(e.workos);
    const wrong = await form(`${issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.clientId, `${secret}x`) });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error, 'invalid_client');
    // The same application through another environment's issuer is unknown there.
    const across = await form(`${e.baseUrl}/oauth2/${other.clientId}/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.clientId, secret) });
    assert.equal(across.status, 401);
    assert.equal(across.json.error, 'invalid_client');
    await e.workos.connect.deleteClientSecret({ id: secretId });
    const deleted = await form(`${issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.clientId, secret) });
    assert.equal(deleted.status, 401);
    const listed = await e.workos.connect.listApplicationClientSecrets({ id: app.id });
    assert.equal(listed.length, 0);
  });

  test('RFC 6749 §4.1 + RFC 7636: code flow through AuthKit sign-in and consent; userinfo; refresh rotation; reuse revokes (RFC 9700 §4.14.2); introspection (RFC 7662) and revocation (RFC 7009)', async () => {
    const app = await e.workos.connect.createApplication({
      applicationType: 'oauth',
      name: `Third party ${tag}`,
      isFirstParty: false,
      organizationId: orgId,
      redirectUris: [{ uri: REDIRECT }],
    });
    const { secret } = await e.workos.connect.createApplicationClientSecret({ id: app.id });
    const agent = new OAuthAgent(e.baseUrl);
    const { verifier, challenge } = pkcePair();
    const state = `st-${tag}`;
    const authorize = `${issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile email offline_access', state, code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' })}`;
    const { redirect, sawConsent } = await authorizeWithPassword(agent, authorize, REDIRECT, user);
    assert.ok(sawConsent, 'a third-party application asks for consent');
    // RFC 6749 §4.1.2: code and the unchanged state.
    assert.equal(redirect.searchParams.get('state'), state);
    assert.equal(redirect.searchParams.get('iss'), issuer, 'RFC 9207 iss');
    const code = redirect.searchParams.get('code')!;
    assert.ok(code);

    // RFC 7636 §4.6: a wrong verifier is invalid_grant.
    const wrongVerifier = await form(`${issuer}/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkcePair().verifier }, { authorization: basic(app.clientId, secret) });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(wrongVerifier.json.error, 'invalid_grant');
    // RFC 6749 §4.1.3 via another environment's issuer: the code is unknown there.
    const across = await form(`${e.baseUrl}/oauth2/${other.clientId}/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { authorization: basic(app.clientId, secret) });
    assert.notEqual(across.status, 200);

    const tokens = await form(`${issuer}/token`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { authorization: basic(app.clientId, secret) });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.json));
    const { access_token, refresh_token, id_token } = tokens.json as Record<string, string>;
    assert.ok(access_token && refresh_token && id_token);
    const idt = await jose.jwtVerify(id_token, jose.createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: app.clientId });
    const me = await e.workos.userManagement.listUsers({ email: user.email });
    assert.equal(idt.payload.sub, me.data[0]!.id);
    // OpenID Connect Core §5.3: userinfo with the (opaque) access token.
    const info = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(info.status, 200);
    const claims = (await info.json()) as Record<string, unknown>;
    assert.deepEqual([claims.sub, claims.email, claims.given_name, claims.family_name], [me.data[0]!.id, user.email, 'Ada', 'Lovelace']);

    // RFC 7662 §2.2: introspection by the token's client.
    const intro = await form(`${issuer}/introspect`, { token: access_token }, { authorization: basic(app.clientId, secret) });
    assert.equal(intro.status, 200);
    assert.equal(intro.json.active, true);
    assert.equal(intro.json.client_id, app.clientId);
    assert.equal(intro.json.sub, me.data[0]!.id);

    // RFC 9700 §4.14.2: refresh tokens rotate, and reuse of a spent one revokes the whole grant.
    const r1 = await form(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token }, { authorization: basic(app.clientId, secret) });
    assert.equal(r1.status, 200, JSON.stringify(r1.json));
    const rotated = r1.json.refresh_token as string;
    assert.notEqual(rotated, refresh_token);
    const reuse = await form(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token }, { authorization: basic(app.clientId, secret) });
    assert.equal(reuse.status, 400);
    assert.equal(reuse.json.error, 'invalid_grant');
    const afterReuse = await form(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token: rotated }, { authorization: basic(app.clientId, secret) });
    assert.equal(afterReuse.json.error, 'invalid_grant', 'the successor died with the grant');
    const introAfter = await form(`${issuer}/introspect`, { token: r1.json.access_token as string }, { authorization: basic(app.clientId, secret) });
    assert.equal(introAfter.json.active, false);
  });

  test('RFC 6749 §4.1.2: a code is used once, and a second use revokes the tokens it gave', async () => {
    const app = await e.workos.connect.createApplication({ applicationType: 'oauth', name: `Replay ${tag}`, isFirstParty: true, redirectUris: [{ uri: REDIRECT }] });
    const agent = new OAuthAgent(e.baseUrl);
    const { verifier, challenge } = pkcePair();
    const { redirect } = await authorizeWithPassword(agent, `${issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`, REDIRECT, user);
    const exchange = { grant_type: 'authorization_code', client_id: app.clientId, code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier };
    const first = await form(`${issuer}/token`, exchange);
    assert.equal(first.status, 200, 'a public client exchanges with PKCE alone');
    assert.equal((await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${first.json.access_token}` } })).status, 200);
    const second = await form(`${issuer}/token`, exchange);
    assert.equal(second.json.error, 'invalid_grant');
    assert.equal((await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${first.json.access_token}` } })).status, 401);
  });

  test('RFC 7009 §2.1: revoking a refresh token ends its grant; RFC 7662: another client cannot introspect it', async () => {
    const app = await e.workos.connect.createApplication({ applicationType: 'oauth', name: `First party ${tag}`, isFirstParty: true, redirectUris: [{ uri: REDIRECT }] });
    const { secret } = await e.workos.connect.createApplicationClientSecret({ id: app.id });
    const agent = new OAuthAgent(e.baseUrl);
    const { verifier, challenge } = pkcePair();
    const authorize = `${issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' })}`;
    const { redirect, sawConsent } = await authorizeWithPassword(agent, authorize, REDIRECT, user);
    assert.equal(sawConsent, false, 'a first-party application skips consent');
    const tokens = await form(`${issuer}/token`, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier }, { authorization: basic(app.clientId, secret) });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.json));
    const { access_token, refresh_token } = tokens.json as Record<string, string>;

    const { app: m2m, secret: m2mSecret } = await m2mApp(e.workos);
    const foreign = await form(`${issuer}/introspect`, { token: access_token }, { authorization: basic(m2m.clientId, m2mSecret) });
    assert.equal(foreign.json.active, false, "a client cannot introspect another client's token");

    const revoked = await form(`${issuer}/revoke`, { token: refresh_token, token_type_hint: 'refresh_token' }, { authorization: basic(app.clientId, secret) });
    assert.equal(revoked.status, 200);
    assert.equal((await form(`${issuer}/introspect`, { token: refresh_token }, { authorization: basic(app.clientId, secret) })).json.active, false);
    assert.equal((await form(`${issuer}/introspect`, { token: access_token }, { authorization: basic(app.clientId, secret) })).json.active, false, 'the grant went with it');
    const refreshed = await form(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token }, { authorization: basic(app.clientId, secret) });
    assert.equal(refreshed.json.error, 'invalid_grant');
  });

  test('RFC 7636 §4.4.1 and RFC 6749 §4.1.2.1: a public client without PKCE, or an unregistered redirect URI, is refused; denied consent is access_denied', async () => {
    const pub = await e.workos.connect.createApplication({ applicationType: 'oauth', name: `Public ${tag}`, isFirstParty: false, organizationId: orgId, redirectUris: [{ uri: REDIRECT }] });
    const agent = new OAuthAgent(e.baseUrl);
    const noPkce = await agent.follow('GET', `${issuer}/authorize?${new URLSearchParams({ client_id: pub.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid' })}`, REDIRECT);
    assert.equal(new URL(noPkce.url).searchParams.get('error'), 'invalid_request', 'the error goes back to the client (§4.1.2.1)');
    const badRedirect = await agent.request('GET', `${issuer}/authorize?${new URLSearchParams({ client_id: pub.clientId, redirect_uri: 'https://evil.example.com/cb', response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })}`);
    assert.equal(badRedirect.status, 400, 'never redirected to an unregistered URI');
    assert.equal(badRedirect.headers.get('location'), null);

    const { challenge } = pkcePair();
    const { redirect } = await authorizeWithPassword(
      agent,
      `${issuer}/authorize?${new URLSearchParams({ client_id: pub.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's', code_challenge: challenge, code_challenge_method: 'S256' })}`,
      REDIRECT,
      user,
      'deny',
    );
    assert.equal(redirect.searchParams.get('error'), 'access_denied');
    assert.equal(redirect.searchParams.get('state'), 's');
  });

  test('RFC 7591 §3 behind the environment switch, then an MCP-style flow: PKCE, consent, a resource-bound JWT (RFC 8707), RFC 9728 metadata', async () => {
    const reg = { client_name: `MCP client ${tag}`, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };
    const off = await fetch(`${issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reg) });
    assert.notEqual(off.status, 201, 'registration is off by default');
    const put = await e.http('PUT', '/connect/settings', { key: true, body: { dynamic_registration_enabled: true } });
    assert.equal(put.status, 200, put.text);
    const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc.registration_endpoint, `${issuer}/register`);
    const pathInserted = await fetch(`${e.baseUrl}/.well-known/oauth-authorization-server/oauth2/${e.creds.client_id}`);
    assert.equal(pathInserted.status, 200);
    assert.equal(((await pathInserted.json()) as { issuer: string }).issuer, issuer);

    const res = await fetch(`${issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...reg, is_first_party: true, allowed_scopes: ['admin'] }) });
    assert.equal(res.status, 201);
    const client = (await res.json()) as Record<string, unknown>;
    assert.match(client.client_id as string, /^client_/);
    assert.equal(client.client_secret, undefined, 'a public client has no secret');
    const app = await e.workos.connect.getApplication({ id: client.client_id as string });
    assert.equal(app.applicationType, 'oauth');
    if (app.applicationType === 'oauth') {
      assert.equal(app.wasDynamicallyRegistered, true);
      assert.equal(app.isFirstParty, false, 'a registrant cannot make itself first-party');
      assert.deepEqual(app.scopes, []);
    }
    const badReg = await fetch(`${issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...reg, redirect_uris: ['https://a.example.com/cb#frag'] }) });
    assert.equal(badReg.status, 400);
    assert.equal(((await badReg.json()) as { error: string }).error, 'invalid_redirect_uri');

    const mcp = 'https://mcp.example.com/mcp';
    const prm = await fetch(`${issuer}/.well-known/oauth-protected-resource?resource=${encodeURIComponent(mcp)}`);
    assert.equal(prm.status, 200);
    assert.deepEqual(((await prm.json()) as { authorization_servers: string[] }).authorization_servers, [issuer]);

    const agent = new OAuthAgent(e.baseUrl);
    const { verifier, challenge } = pkcePair();
    const authorize = `${issuer}/authorize?${new URLSearchParams({ client_id: client.client_id as string, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access files:read', resource: mcp, code_challenge: challenge, code_challenge_method: 'S256' })}`;
    const { redirect, sawConsent } = await authorizeWithPassword(agent, authorize, REDIRECT, user);
    assert.ok(sawConsent);
    const tokens = await form(`${issuer}/token`, { grant_type: 'authorization_code', client_id: client.client_id as string, code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, resource: mcp });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.json));
    const { payload } = await jose.jwtVerify(tokens.json.access_token as string, jose.createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: mcp });
    assert.equal(payload.scope, 'files:read');
    assert.equal(payload.client_id, client.client_id);
    // The registration belongs to this environment only.
    assert.notEqual((await fetch(`${e.baseUrl}/oauth2/${other.clientId}/authorize?${new URLSearchParams({ client_id: client.client_id as string, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' })).status, 303);
  });

  test('in headless Chromium: third-party app → AuthKit sign-in → consent → code → token → userinfo', async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: bash tools/ensure-chromium.sh`);
    const app = await e.workos.connect.createApplication({ applicationType: 'oauth', name: `Browser app ${tag}`, isFirstParty: false, organizationId: orgId, redirectUris: [{ uri: THIRD_PARTY }], scopes: ['openid', 'profile', 'email'] });
    const { secret } = await e.workos.connect.createApplicationClientSecret({ id: app.id });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      // Nothing serves the third-party app: its redirect is answered here.
      const landed = new Promise<URL>((resolve) => {
        void page.route(`${THIRD_PARTY}**`, async (route) => {
          resolve(new URL(route.request().url()));
          await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>app</p>' });
        });
      });
      const { verifier, challenge } = pkcePair();
      await page.goto(`${issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: THIRD_PARTY, response_type: 'code', scope: 'openid profile email', state: 'browser', code_challenge: challenge, code_challenge_method: 'S256' })}`);
      await page.fill('input[name=email]', user.email);
      await page.fill('input[name=password]', user.password);
      await page.click('button[type=submit]');
      await page.waitForSelector('#allow');
      assert.match(await page.textContent('#scopes') ?? '', /profile/);
      await page.click('#allow');
      const url = await landed;
      assert.equal(url.searchParams.get('state'), 'browser');
      const tokens = await form(`${issuer}/token`, { grant_type: 'authorization_code', code: url.searchParams.get('code')!, redirect_uri: THIRD_PARTY, code_verifier: verifier }, { authorization: basic(app.clientId, secret) });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.json));
      const info = (await (await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.json.access_token}` } })).json()) as Record<string, unknown>;
      assert.equal(info.email, user.email);
      assert.equal(info.name, 'Ada Lovelace');
    } finally {
      await browser.close();
    }
  });

  test('RFC 9700 §4.14.2 under a race: two concurrent refreshes with one refresh token give one new token, never two', async () => {
    const app = await e.workos.connect.createApplication({ applicationType: 'oauth', name: `Race ${tag}`, isFirstParty: true, redirectUris: [{ uri: REDIRECT }] });
    const agent = new OAuthAgent(e.baseUrl);
    const { verifier, challenge } = pkcePair();
    const { redirect } = await authorizeWithPassword(agent, `${issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' })}`, REDIRECT, user);
    const tokens = await form(`${issuer}/token`, { grant_type: 'authorization_code', client_id: app.clientId, code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier });
    const refreshToken = tokens.json.refresh_token as string;
    assert.ok(refreshToken, JSON.stringify(tokens.json));
    const results = await Promise.all(Array.from({ length: 4 }, () => form(`${issuer}/token`, { grant_type: 'refresh_token', client_id: app.clientId, refresh_token: refreshToken })));
    assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results.map((r) => [r.status, r.json.error])));
    assert.ok(results.filter((r) => r.status !== 200).every((r) => r.json.error === 'invalid_grant'));
  });
});
