import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { newId } from '@wos/platform';
import { signedHeaders, startHarness, freePort, type Harness } from './support/harness';
import { TestOidcIdp } from './support/oidc-idp';
import { Browser } from './support/browser';

const ENV = newId('environment');
const CLIENT = 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ';
const APP = 'https://app.example.com/callback';

describe('OIDC and OAuth sign-in against oidc-provider', () => {
  let h: Harness;
  let op: TestOidcIdp;
  let oidcConn: string;

  const signIn = (params: Record<string, string>, env = ENV) => {
    const url = `${h.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: APP, response_type: 'code', state: 'app-state', ...params })}`;
    return new Browser().browse(url, APP, { headers: signedHeaders(env, 'GET', url, { authKind: 'public_client', clientId: CLIENT }) });
  };
  const exchange = (code: string, env = ENV) =>
    h.call(env, 'POST', '/sso/token', { form: { client_id: CLIENT, grant_type: 'authorization_code', code }, auth: { authKind: 'api_key' } });

  before(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    op = await TestOidcIdp.start([
      { client_id: 'wos-oidc', client_secret: 'oidc-secret-1', redirect_uris: [`${base}/sso/oidc/callback`] },
      { client_id: 'wos-google', client_secret: 'google-secret-1', redirect_uris: [`${base}/sso/oidc/callback`] },
    ]);
    h = await startHarness('sso_oidc', { PORT: String(port), PUBLIC_BASE_URL: base });
    const r = await h.call(ENV, 'POST', '/connections', {
      body: {
        name: 'Entra ID',
        connection_type: 'EntraIdOIDC',
        organization_id: newId('org'),
        oidc: { discovery_url: `${op.issuer}/.well-known/openid-configuration`, client_id: 'wos-oidc', client_secret: 'oidc-secret-1', scopes: ['groups'] },
        activate: true,
      },
    });
    assert.equal(r.status, 201, r.text);
    oidcConn = r.body.id;
  });
  after(async () => {
    await h?.close();
    await op?.close();
  });

  test('authorization code with PKCE, state and nonce; the ID token claims become the profile', async () => {
    op.user = { sub: 'entra-oid-42', claims: { email: 'Frank@Contoso.com', email_verified: true, given_name: 'Frank', family_name: 'Ocean', name: 'Frank Ocean', groups: ['eng', 'ops'] } };
    const result = await signIn({ connection: oidcConn });
    assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 400)} ${result.steps.join(' → ')}`);
    const toIdp = new URL(result.steps[1]!.split(' ')[1]!);
    assert.equal(toIdp.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(toIdp.searchParams.get('nonce'));
    assert.match(toIdp.searchParams.get('scope')!, /openid.*groups/);
    assert.equal(result.landed.searchParams.get('state'), 'app-state');
    const token = await exchange(result.landed.searchParams.get('code')!);
    assert.equal(token.status, 200, token.text);
    const p = token.body.profile;
    assert.equal(p.idp_id, 'entra-oid-42');
    assert.equal(p.email, 'frank@contoso.com');
    assert.equal(p.email_verified, true, 'the ID token says email_verified: true');
    assert.equal(p.first_name, 'Frank');
    assert.equal(p.last_name, 'Ocean');
    assert.deepEqual(p.groups, ['eng', 'ops']);
    assert.equal(p.connection_type, 'EntraIdOIDC');
    assert.equal(p.raw_attributes.iss, op.issuer);
    assert.equal(p.raw_attributes.nonce, undefined);
    assert.equal(token.body.oauth_tokens, undefined, 'OIDC connections return no provider tokens');
  });

  test('GoogleOAuth with configured endpoints returns oauth_tokens', async () => {
    const env = newId('environment');
    const r = await h.call(env, 'POST', '/connections', {
      body: {
        name: 'Google',
        connection_type: 'GoogleOAuth',
        oauth: { client_id: 'wos-google', client_secret: 'google-secret-1', authorization_url: `${op.issuer}/auth`, token_url: `${op.issuer}/token`, userinfo_url: `${op.issuer}/me` },
        activate: true,
      },
    });
    assert.equal(r.status, 201, r.text);
    op.user = { sub: 'g-1', claims: { email: 'grace@gmail.example', email_verified: true, name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' } };
    const result = await signIn({ provider: 'GoogleOAuth', provider_scopes: 'profile' }, env);
    assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 400)}`);
    const token = await exchange(result.landed.searchParams.get('code')!, env);
    assert.equal(token.status, 200, token.text);
    assert.equal(token.body.profile.email, 'grace@gmail.example');
    assert.equal(token.body.profile.email_verified, true, "Google's userinfo email_verified");
    assert.equal(token.body.profile.connection_type, 'GoogleOAuth');
    assert.ok(token.body.oauth_tokens.access_token);
    assert.ok(token.body.oauth_tokens.expires_at > Date.now() / 1000);
    assert.ok(token.body.oauth_tokens.scopes.includes('openid'));
    assert.equal((await signIn({ provider: 'MicrosoftOAuth' }, env)).status, 404, 'no MicrosoftOAuth connection in this environment');
    op.user = { sub: 'g-2', claims: { email: 'mallory@gmail.example', email_verified: false, name: 'Mallory' } };
    const unverified = await signIn({ provider: 'GoogleOAuth' }, env);
    assert.equal((await exchange(unverified.landed!.searchParams.get('code')!, env)).body.profile.email_verified, false);
  });

  test('C2: email_verified only with the IdP proof, and never for an address taken from preferred_username', async () => {
    const verifiedOf = async (claims: Record<string, unknown>) => {
      op.user = { sub: `c2-${Object.keys(claims).join('-')}`, claims };
      const result = await signIn({ connection: oidcConn });
      assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 300)}`);
      const p = (await exchange(result.landed.searchParams.get('code')!)).body.profile;
      const { rows } = await h.pool.query('SELECT email, email_verified FROM profiles WHERE id = $1', [p.id]);
      assert.deepEqual(rows[0], { email: p.email, email_verified: p.email_verified }, 'the stored profile agrees');
      return [p.email, p.email_verified];
    };
    assert.deepEqual(await verifiedOf({ email: 'ann@contoso.com', email_verified: false }), ['ann@contoso.com', false]);
    assert.deepEqual(await verifiedOf({ email: 'ann@contoso.com' }), ['ann@contoso.com', false], 'no email_verified claim');
    // Entra-style: no email claim, the address is a username the IdP admin typed.
    assert.deepEqual(await verifiedOf({ preferred_username: 'ceo@victim.example', email_verified: true }), ['ceo@victim.example', false]);
  });

  test('C2: MicrosoftOAuth vouches for the address only with the verified-domain claim xms_edov (the nOAuth case)', async () => {
    // A stand-in for Microsoft's endpoints: the ID token (from the token endpoint) carries xms_edov when told to.
    const jose = await import('jose');
    const { privateKey } = await jose.generateKeyPair('RS256');
    let edov: boolean | undefined;
    const ms = createServer((req, res) => {
      const u = new URL(req.url!, 'http://ms');
      if (u.pathname === '/authorize') {
        res.writeHead(302, { location: `${u.searchParams.get('redirect_uri')}?code=ms-code&state=${u.searchParams.get('state')}` });
        return void res.end();
      }
      res.setHeader('content-type', 'application/json');
      if (u.pathname === '/token') {
        void new jose.SignJWT({ email: 'ceo@victim.example', ...(edov === undefined ? {} : { xms_edov: edov }) })
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuer('https://login.microsoftonline.com/tenant-x/v2.0')
          .setAudience('ms-client')
          .setSubject('ms-sub-1')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey)
          .then((idToken) => res.end(JSON.stringify({ access_token: 'ms-at', token_type: 'Bearer', expires_in: 3600, scope: 'openid email profile', id_token: idToken })));
        return;
      }
      if (u.pathname === '/userinfo' && req.headers.authorization === 'Bearer ms-at') return void res.end(JSON.stringify({ sub: 'ms-sub-1', email: 'ceo@victim.example', name: 'Not The CEO' }));
      res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => ms.listen(0, '127.0.0.1', r));
    const msUrl = `http://127.0.0.1:${(ms.address() as { port: number }).port}`;
    try {
      const env = newId('environment');
      const r = await h.call(env, 'POST', '/connections', {
        body: { name: 'Microsoft', connection_type: 'MicrosoftOAuth', oauth: { client_id: 'ms-client', client_secret: 'ms-secret', authorization_url: `${msUrl}/authorize`, token_url: `${msUrl}/token`, userinfo_url: `${msUrl}/userinfo` }, activate: true },
      });
      assert.equal(r.status, 201, r.text);
      const profileWith = async (claim: boolean | undefined) => {
        edov = claim;
        const result = await signIn({ provider: 'MicrosoftOAuth' }, env);
        assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 300)}`);
        const token = await exchange(result.landed.searchParams.get('code')!, env);
        assert.equal(token.status, 200, token.text);
        return token.body.profile;
      };
      const unproven = await profileWith(undefined);
      assert.deepEqual([unproven.email, unproven.email_verified, unproven.idp_id], ['ceo@victim.example', false, 'ms-sub-1']);
      assert.equal((await profileWith(false)).email_verified, false);
      assert.equal((await profileWith(true)).email_verified, true);
    } finally {
      ms.close();
    }
  });

  test('GitHubOAuth: PKCE at the provider, and the primary verified email from /user/emails when /user hides it', async () => {
    // A stand-in for GitHub's OAuth and REST endpoints, strict about what GitHub checks.
    const challenges = new Map<string, string>();
    const gh = createServer((req, res) => {
      const u = new URL(req.url!, 'http://gh');
      if (u.pathname === '/login/oauth/authorize') {
        assert.equal(u.searchParams.get('client_id'), 'gh-client');
        assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
        challenges.set('gh-code', u.searchParams.get('code_challenge')!);
        res.writeHead(302, { location: `${u.searchParams.get('redirect_uri')}?code=gh-code&state=${u.searchParams.get('state')}` });
        return void res.end();
      }
      if (u.pathname === '/login/oauth/access_token') {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const f = new URLSearchParams(body);
          const ok = f.get('client_secret') === 'gh-secret' && createHash('sha256').update(f.get('code_verifier') ?? '').digest('base64url') === challenges.get(f.get('code') ?? '');
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(ok ? { access_token: 'gho_token', token_type: 'bearer', scope: 'read:user,user:email' } : { error: 'bad_verification_code' }));
        });
        return;
      }
      if (req.headers.authorization !== 'Bearer gho_token') return void res.writeHead(401).end();
      if (u.pathname === '/user') return void res.end(JSON.stringify({ id: 583231, login: 'octocat', name: 'The Octocat', email: null }));
      if (u.pathname === '/user/emails') return void res.end(JSON.stringify([{ email: 'old@github.example', primary: false, verified: true }, { email: 'octo@github.example', primary: true, verified: true }]));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => gh.listen(0, '127.0.0.1', r));
    const ghUrl = `http://127.0.0.1:${(gh.address() as { port: number }).port}`;
    try {
      const env = newId('environment');
      const r = await h.call(env, 'POST', '/connections', {
        body: {
          name: 'GitHub',
          connection_type: 'GitHubOAuth',
          oauth: { client_id: 'gh-client', client_secret: 'gh-secret', authorization_url: `${ghUrl}/login/oauth/authorize`, token_url: `${ghUrl}/login/oauth/access_token`, userinfo_url: `${ghUrl}/user` },
          activate: true,
        },
      });
      assert.equal(r.status, 201, r.text);
      const result = await signIn({ provider: 'GitHubOAuth' }, env);
      assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 300)}`);
      const token = await exchange(result.landed.searchParams.get('code')!, env);
      assert.equal(token.status, 200, token.text);
      assert.equal(token.body.profile.email, 'octo@github.example');
      assert.equal(token.body.profile.email_verified, true, 'the primary address is verified in /user/emails');
      assert.equal(token.body.profile.idp_id, '583231');
      assert.equal(token.body.profile.name, 'The Octocat');
      assert.deepEqual(token.body.oauth_tokens, { access_token: 'gho_token', scopes: ['read:user', 'user:email'] });
    } finally {
      gh.close();
    }
  });

  test('refusals at the callback: a reused or unknown state, the IdP saying no, a wrong client secret', async () => {
    op.user = { sub: 'u-2', claims: { email: 'x@example.com' } };
    // Stop at the callback to replay it.
    const browser = new Browser();
    const authorize = `${h.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: APP, response_type: 'code', connection: oidcConn })}`;
    const toCallback = await browser.browse(authorize, `${h.baseUrl}/sso/oidc/callback`, { headers: signedHeaders(ENV, 'GET', authorize, { authKind: 'public_client', clientId: CLIENT }) });
    const callback = toCallback.landed!;
    const first = await fetch(callback, { redirect: 'manual' });
    assert.equal(first.status, 302);
    const again = await fetch(callback, { redirect: 'manual' });
    assert.equal(again.status, 400);
    assert.equal((await again.json()).code, 'invalid_state');
    const denied = await h.call(ENV, 'GET', `/sso/oidc/callback?state=${callback.searchParams.get('state')}&error=access_denied`, { auth: false });
    assert.equal(denied.status, 400, 'the state is spent, so even the IdP error is refused as invalid_state');

    const env = newId('environment');
    const bad = await h.call(env, 'POST', '/connections', {
      body: { name: 'Bad secret', connection_type: 'GenericOIDC', oidc: { discovery_url: `${op.issuer}/.well-known/openid-configuration`, client_id: 'wos-oidc', client_secret: 'wrong' }, activate: true },
    });
    const refused = await signIn({ connection: bad.body.id }, env);
    assert.equal(refused.status, 400, refused.body);
    assert.equal(JSON.parse(refused.body).code, 'token_exchange_failed');
    assert.deepEqual(await h.failureReasons(env), ['token_exchange_failed']);
  });

  test('RP-initiated logout: a sealed token for the profile sends the browser to the IdP end_session_endpoint', async () => {
    op.user = { sub: 'logout-1', claims: { email: 'leave@contoso.com', email_verified: true } };
    const result = await signIn({ connection: oidcConn });
    const profileId = (await exchange(result.landed!.searchParams.get('code')!)).body.profile.id as string;
    const r = await h.call(ENV, 'POST', '/sso/logout/authorize', { body: { profile_id: profileId } });
    assert.equal(r.status, 200, r.text);
    const url = new URL(r.body.logout_url);
    assert.equal(`${url.origin}${url.pathname}`, `${h.baseUrl}/sso/logout`);
    assert.equal(url.searchParams.get('token'), r.body.logout_token);
    const redirect = await fetch(url, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const target = new URL(redirect.headers.get('location')!);
    assert.equal(`${target.origin}${target.pathname}`, `${op.issuer}/session/end`, 'the discovery document end_session_endpoint');
    assert.equal(target.searchParams.get('client_id'), 'wos-oidc');
    const idpPage = await fetch(target);
    assert.equal(idpPage.status, 200, 'the IdP answers its logout page');

    const tampered = await h.call(ENV, 'GET', `/sso/logout?token=${encodeURIComponent(r.body.logout_token.slice(0, -2) + 'AA')}`, { auth: false });
    assert.equal(tampered.status, 400);
    assert.equal(tampered.body.code, 'invalid_logout_token');
    assert.equal((await h.call(ENV, 'GET', '/sso/logout', { auth: false })).status, 422, 'no token');
    assert.equal((await h.call(newId('environment'), 'POST', '/sso/logout/authorize', { body: { profile_id: profileId } })).status, 404, 'another environment does not know the profile');
    assert.equal((await h.call(ENV, 'POST', '/sso/logout/authorize', { body: { profile_id: 'prof_bogus' } })).status, 404);
    assert.equal((await h.call(ENV, 'POST', '/sso/logout/authorize', { body: {} })).status, 422);
    assert.equal((await h.call(ENV, 'POST', '/sso/logout/authorize', { body: { profile_id: profileId }, auth: { authKind: 'public_client', clientId: CLIENT } })).status, 401, 'the API key only');
  });
});
