import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startSmtpSink, uniqueSuffix, waitFor, type SmtpSink } from '@wos/platform/testing';
import { startE2e, waitForEvents, type E2e } from '../support/e2e-stack';
import { authorizeWithPassword, OAuthAgent, pkcePair } from '../support/oauth-agent';
import type { HttpResult } from '../support/http';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'quartz Lantern hums 93 times';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/* Short, so the expiry test waits little; long enough for a browser sign-in on a busy machine. */
const DEVICE_TTL_SECONDS = 40;
const CONNECT_REDIRECT = 'http://127.0.0.1:9912/callback';

type Json = Record<string, any>;

/**
 * The AuthKit methods the official Java SDK calls and the Node SDK 11 does not (so plain HTTP and
 * a browser here; test/e2e/java-sdk.spec.ts calls each through the Java SDK): the OAuth 2.0
 * device authorization grant with its verification page in Chromium, email change with the mail
 * read from a real SMTP server, JWT templates, the Connect applications a user authorized,
 * Client API tokens and radar challenges.
 */
describe('AuthKit: device flow, email change, JWT templates, authorized applications, Client API, radar challenges', () => {
  let e: E2e;
  let smtp: SmtpSink;
  let browser: Browser;
  let other: { apiKey: string; clientId: string };
  let jose: typeof import('jose', { with: { 'resolution-mode': 'import' } });
  const tag = uniqueSuffix();
  const email = (name: string) => `${name}-${tag}@extras-e2e.test`;
  const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)![1]!;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run tools/ensure-chromium.sh`);
    jose = await import('jose');
    smtp = await startSmtpSink();
    e = await startE2e({
      name: 'authkit_extras',
      portOffset: 5500,
      apps: ['organizations', 'events', 'identity', 'radar'],
      appEnv: { identity: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), DEVICE_CODE_TTL_SECONDS: String(DEVICE_TTL_SECONDS), DEVICE_POLL_INTERVAL_SECONDS: '1' } },
    });
    const env = await e.createEnvironment(`extras-other-${tag}`);
    other = { apiKey: env.api_key, clientId: env.client_id };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
    // Radar would block this file's headless browser and HTTP agents as bots; its own test turns challenges on.
    assert.equal((await e.http('PUT', '/radar/settings', { key: true, body: { bot_detection: { mode: 'log' } } })).status, 200);
  });
  after(async () => {
    await browser?.close();
    await e?.stop();
    await smtp?.close();
  });

  const newUser = async (name: string, extra: Json = {}) => (await e.http('POST', '/user_management/users', { key: true, body: { email: email(name), password: PASSWORD, email_verified: true, ...extra } })).json as Json;
  const claimsOf = async (accessToken: string) => (await jose.jwtVerify(accessToken, jose.createRemoteJWKSet(new URL(`${e.baseUrl}/sso/jwks/${e.creds.client_id}`)))).payload as Json;
  const authenticate = (body: Json, key: string | true | undefined = true) => e.http('POST', '/user_management/authenticate', { key, body: { client_id: e.creds.client_id, ...body } });
  const signIn = async (address: string, organizationId?: string) => {
    const res = await authenticate({ grant_type: 'password', email: address, password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    if (!organizationId) return res.json as Json;
    const refreshed = await authenticate({ grant_type: 'refresh_token', refresh_token: (res.json as Json).refresh_token, organization_id: organizationId });
    assert.equal(refreshed.status, 200, refreshed.text);
    return refreshed.json as Json;
  };
  const expectStatus = (res: HttpResult, status: number, code?: string) => {
    assert.equal(res.status, status, res.text);
    if (code) assert.equal((res.json as Json).code, code, res.text);
  };

  describe('OAuth 2.0 device authorization grant (RFC 8628)', () => {
    const createDevice = (body: Json = { client_id: e.creds.client_id }, key?: string | true) => e.http('POST', '/user_management/authorize/device', { key, body });
    const poll = (deviceCode: string, clientId = e.creds.client_id) => authenticate({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId }, undefined);
    const errorOf = (res: HttpResult) => [res.status, (res.json as Json).error];

    /**
     * Polls at once, then at the interval the server asks for (RFC 8628 §3.5), until an answer
     * other than authorization_pending. The first poll is immediate so that it always precedes the
     * user's decision (a fast machine finishes the browser steps within one interval).
     */
    async function pollUntilDecided(deviceCode: string, seen: string[]): Promise<HttpResult> {
      let interval = 1_000;
      let first = true;
      return waitFor(
        async () => {
          if (!first) await new Promise((r) => setTimeout(r, interval));
          first = false;
          const res = await poll(deviceCode);
          const error = (res.json as Json).error as string | undefined;
          if (error) seen.push(error);
          if (error === 'slow_down') interval += 5_000;
          return error === 'authorization_pending' || error === 'slow_down' ? undefined : res;
        },
        { timeoutMs: DEVICE_TTL_SECONDS * 1000, intervalMs: 1, message: 'a decided device authorization' },
      );
    }

    test('createDevice → verification page in Chromium → sign in → allow → the polling device gets tokens for that user', { timeout: 120_000 }, async () => {
      const user = await newUser('device-owner', { first_name: 'Dee' });
      const started = await createDevice();
      assert.equal(started.status, 200, started.text);
      const d = started.json as Json;
      assert.match(d.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.ok(d.device_code.length >= 43);
      assert.equal(d.verification_uri, `${e.baseUrl}/user_management/authorize/verify-device?client_id=${e.creds.client_id}`);
      assert.equal(new URL(d.verification_uri_complete).searchParams.get('user_code'), d.user_code);
      assert.deepEqual([d.expires_in, d.interval], [DEVICE_TTL_SECONDS, 1]);

      const seen: string[] = [];
      const decided = pollUntilDecided(d.device_code, seen);
      const ctx = await browser.newContext({ locale: 'en-US' });
      try {
        const page = await ctx.newPage();
        await page.goto(d.verification_uri_complete);
        assert.equal(await page.getByLabel('Device code').inputValue(), d.user_code, 'verification_uri_complete fills the code in');
        await page.getByRole('button', { name: 'Continue', exact: true }).click();
        await page.getByLabel('Email').fill(user.email);
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Continue', exact: true }).click();
        await page.getByText(`You are signed in as ${user.email}`).waitFor();
        assert.ok((await page.content()).includes(d.user_code), 'the approval page shows the code to compare with the device');
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.getByRole('heading', { name: 'Device connected' }).waitFor();
      } finally {
        await ctx.close();
      }
      const tokens = await decided;
      assert.equal(tokens.status, 200, tokens.text);
      assert.ok(seen.includes('authorization_pending'), 'the device was told to wait until the user allowed it');
      const body = tokens.json as Json;
      assert.equal(body.user.id, user.id);
      assert.ok(body.refresh_token);
      assert.equal((await claimsOf(body.access_token)).sub, user.id);
      const again = await poll(d.device_code);
      assert.deepEqual(errorOf(again), [400, 'invalid_grant'], 'a device code yields tokens once');
    });

    test('polling faster than the interval is slow_down, and the interval grows by 5 s', async () => {
      const d = (await createDevice()).json as Json;
      assert.deepEqual(errorOf(await poll(d.device_code)), [400, 'authorization_pending']);
      const fast = await poll(d.device_code);
      assert.deepEqual(errorOf(fast), [400, 'slow_down']);
      assert.equal((fast.json as Json).code, 'slow_down', 'the Java SDK poller reads `code`');
      await new Promise((r) => setTimeout(r, 2_000));
      assert.deepEqual(errorOf(await poll(d.device_code)), [400, 'slow_down'], 'the interval is now 6 s, not 1 s');
    });

    test('denied on the page (before or after signing in) is access_denied; a wrong code is refused on the page', { timeout: 90_000 }, async () => {
      const user = await newUser('device-denier');
      const first = (await createDevice()).json as Json;
      const agent = new OAuthAgent(e.baseUrl);
      const page = await agent.request('GET', first.verification_uri);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!;
      const post = (fields: Record<string, string>) => agent.request('POST', first.verification_uri, new URLSearchParams({ csrf_token: csrf, ...fields }));
      const wrong = await post({ user_code: 'BBBB-BBBB', action: 'continue' });
      assert.equal(wrong.status, 400);
      assert.match(await wrong.text(), /not valid or has expired/);
      const denied = await post({ user_code: first.user_code.toLowerCase(), action: 'deny' });
      assert.equal(denied.status, 200);
      assert.deepEqual(errorOf(await poll(first.device_code)), [400, 'access_denied']);
      assert.deepEqual(errorOf(await poll(first.device_code)), [400, 'invalid_grant'], 'the answer is given once');

      const second = (await createDevice()).json as Json;
      const ctx = await browser.newContext({ locale: 'en-US' });
      try {
        const p = await ctx.newPage();
        await p.goto(second.verification_uri);
        await p.getByLabel('Device code').fill(second.user_code);
        await p.getByRole('button', { name: 'Continue', exact: true }).click();
        await p.getByLabel('Email').fill(user.email);
        await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await p.getByRole('button', { name: 'Continue', exact: true }).click();
        await p.getByRole('button', { name: 'Deny' }).click();
        await p.getByRole('heading', { name: 'Device refused' }).waitFor();
      } finally {
        await ctx.close();
      }
      assert.deepEqual(errorOf(await poll(second.device_code)), [400, 'access_denied']);
    });

    test('an unapproved code expires: expired_token, and the page no longer knows it', { timeout: 120_000 }, async () => {
      const d = (await createDevice()).json as Json;
      await waitFor(async () => ((await poll(d.device_code)).json as Json).error === 'expired_token', { timeoutMs: (DEVICE_TTL_SECONDS + 20) * 1000, intervalMs: 5_000, message: 'expired_token' });
      const agent = new OAuthAgent(e.baseUrl);
      const html = await (await agent.request('GET', d.verification_uri)).text();
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)![1]!;
      const late = await agent.request('POST', d.verification_uri, new URLSearchParams({ csrf_token: csrf, user_code: d.user_code, action: 'continue' }));
      assert.equal(late.status, 400);
    });

    test('bad input: unknown or foreign client, malformed bodies, another client polling, a forged callback', async () => {
      expectStatus(await createDevice({ client_id: 'client_01ZZZZZZZZZZZZZZZZZZZZZZZZ' }), 400, 'invalid_client');
      expectStatus(await createDevice({ client_id: other.clientId }, true), 400, 'invalid_client');
      const foreign = (await createDevice({ client_id: other.clientId })).json as Json;
      assert.deepEqual(errorOf(await poll(foreign.device_code)), [400, 'invalid_grant'], "another environment's device code is unknown here");
      expectStatus(await createDevice({}, true), 422);
      expectStatus(await createDevice({ client_id: e.creds.client_id, extra: 1 }, true), 422);
      const byKey = await createDevice({ client_id: e.creds.client_id }, true);
      assert.equal(byKey.status, 200, 'a backend may start it with the API key');
      const d = byKey.json as Json;
      assert.deepEqual(errorOf(await poll(d.device_code, other.clientId)), [400, 'invalid_grant'], "another environment's client knows nothing of it");
      assert.deepEqual(errorOf(await poll('x'.repeat(43))), [400, 'invalid_grant']);
      expectStatus(await authenticate({ grant_type: DEVICE_GRANT }, undefined), 422);
      expectStatus(await authenticate({ grant_type: DEVICE_GRANT, device_code: 'x'.repeat(500) }, undefined), 422);
      const forged = await e.http('GET', `/user_management/authorize/verify-device/callback?client_id=${e.creds.client_id}&code=abc&state=xyz`);
      assert.equal(forged.status, 400);
      assert.match(forged.contentType, /text\/html/);
    });
  });

  describe('email change', () => {
    const send = (userId: string, body: Json) => e.http('POST', `/user_management/users/${userId}/email_change/send`, { key: true, body });
    const confirm = (userId: string, code: string) => e.http('POST', `/user_management/users/${userId}/email_change/confirm`, { key: true, body: { code } });

    test('the code goes to the NEW address; wrong codes are refused and bounded; the right one switches the address (user.updated)', async () => {
      const user = await newUser('mover');
      const to = email('moved');
      const from = smtp.to(to).length;
      const sent = await send(user.id, { new_email: to });
      assert.equal(sent.status, 200, sent.text);
      const body = sent.json as Json;
      assert.deepEqual([body.object, body.new_email, body.user.id, body.user.email], ['email_change', to, user.id, user.email]);
      assert.ok(Date.parse(body.expires_at) > Date.now());
      const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(to), { from: 0 });
      assert.equal(smtp.to(user.email).length, 0, 'nothing is mailed to the old address');
      const code = codeIn(mail.text);
      assert.ok(smtp.to(to).length > from);

      const wrong = code === '000000' ? '111111' : '000000';
      expectStatus(await confirm(user.id, wrong), 400, 'email_change_code_invalid');
      assert.equal(((await e.http('GET', `/user_management/users/${user.id}`, { key: true })).json as Json).email, user.email, 'unchanged');
      for (let i = 0; i < 4; i++) await confirm(user.id, wrong);
      expectStatus(await confirm(user.id, code), 400, 'email_change_code_locked');

      // A new code (the earlier one ends with it), then the right one.
      await send(user.id, { new_email: to });
      const second = await smtp.waitForMail((m) => m.envelopeTo.includes(to) && codeIn(m.text) !== code, { from: 0 });
      const fresh = codeIn(second.text);
      const done = await confirm(user.id, fresh);
      assert.equal(done.status, 200, done.text);
      assert.deepEqual([(done.json as Json).object, (done.json as Json).user.email, (done.json as Json).user.email_verified], ['email_change_confirmation', to, true]);
      expectStatus(await confirm(user.id, fresh), 400);
      assert.equal((await signIn(to)).user.id, user.id, 'signs in with the new address');
      expectStatus(await authenticate({ grant_type: 'password', email: user.email, password: PASSWORD }), 400, 'invalid_credentials');
      await waitForEvents(e.workos, ['user.updated'], (all) => all.some((x) => (x.data as Json).id === user.id && (x.data as Json).email === to));
    });

    test('bad input: same or taken address, malformed, unknown user, another environment, send limit', async () => {
      const user = await newUser('stayer');
      const taken = await newUser('taken');
      expectStatus(await send(user.id, { new_email: user.email }), 422, 'email_change_same_email');
      expectStatus(await send(user.id, { new_email: taken.email }), 409, 'user_already_exists');
      expectStatus(await send(user.id, { new_email: 'not-an-email' }), 422);
      expectStatus(await send(user.id, {}), 422);
      expectStatus(await send('user_01ZZZZZZZZZZZZZZZZZZZZZZZZ', { new_email: email('nobody') }), 404);
      expectStatus(await e.http('POST', `/user_management/users/${user.id}/email_change/send`, { key: other.apiKey, body: { new_email: email('x') } }), 404);
      expectStatus(await confirm(user.id, 'abc'), 400, 'email_change_code_invalid');
      expectStatus(await e.http('POST', `/user_management/users/${user.id}/email_change/confirm`, { key: true, body: {} }), 422);
      expectStatus(await confirm(user.id, '123456'), 400, 'email_change_code_invalid');
      for (let i = 0; i < 3; i++) await send(user.id, { new_email: email(`limit${i}`) });
      expectStatus(await send(user.id, { new_email: email('limit3') }), 429);
    });
  });

  describe('JWT template', () => {
    const put = (content: string, key: string | true = true) => e.http('PUT', '/user_management/jwt_template', { key, body: { content } });

    test('custom claims in the access token, refreshed with the data; reserved claims stay the platform’s; bad templates are 422', async () => {
      expectStatus(await e.http('GET', '/user_management/jwt_template', { key: other.apiKey }), 404);
      const org = (await e.http('POST', '/organizations', { key: true, body: { name: `Tier ${tag}`, metadata: { tier: 'gold' } } })).json as Json;
      const user = await newUser('templated', { first_name: 'Tem', metadata: { language: 'fr' } });
      expectStatus(await e.http('POST', '/user_management/organization_memberships', { key: true, body: { user_id: user.id, organization_id: org.id } }), 201);
      const before = await claimsOf((await signIn(user.email, org.id)).access_token);
      assert.equal(before['urn:app:email'], undefined);

      const content = `{"urn:app:email": {{ user.email }}, "urn:app:name": "{{ user.first_name }} {{ user.last_name || 'Unknown' }}", "urn:app:tier": "{{ organization.metadata.tier || 'bronze' }}", "urn:app:lang": {{ user.metadata.language || 'en' }}, "urn:app:role": {{ organization_membership.role.slug }}}`;
      const saved = await put(content);
      assert.equal(saved.status, 200, saved.text);
      assert.deepEqual([(saved.json as Json).object, (saved.json as Json).content], ['jwt_template', content]);
      assert.equal(((await e.http('GET', '/user_management/jwt_template', { key: true })).json as Json).content, content);

      const first = await signIn(user.email, org.id);
      const claims = await claimsOf(first.access_token);
      assert.deepEqual([claims['urn:app:email'], claims['urn:app:name'], claims['urn:app:tier'], claims['urn:app:lang'], claims['urn:app:role']], [user.email, 'Tem Unknown', 'gold', 'fr', 'member']);
      assert.deepEqual([claims.sub, claims.org_id, claims.role], [user.id, org.id, 'member']);

      await e.http('PUT', `/user_management/users/${user.id}`, { key: true, body: { last_name: 'Plate' } });
      const refreshed = await authenticate({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
      assert.equal((await claimsOf((refreshed.json as Json).access_token))['urn:app:name'], 'Tem Plate', 'the next token carries the new data');

      expectStatus(await put('{"sub": "{{ user.email }}"}'), 422, 'invalid_request_parameters');
      expectStatus(await put('{"org_id": "x"}'), 422);
      expectStatus(await put('{"a": {{ user.email }'), 422);
      expectStatus(await put('not json'), 422);
      expectStatus(await put('{"a": "{{ user.metadata }}"}'), 422);
      expectStatus(await put('{"a": {{ process.env.HOME }}}'), 422);
      expectStatus(await put(`{"a": "${'x'.repeat(5000)}"}`), 422);
      expectStatus(await e.http('PUT', '/user_management/jwt_template', { key: true, body: {} }), 422);
      assert.equal(((await e.http('GET', '/user_management/jwt_template', { key: true })).json as Json).content, content, 'a refused template changes nothing');
      assert.equal((await put('{}')).status, 200);
      assert.equal((await claimsOf((await signIn(user.email)).access_token))['urn:app:email'], undefined);
    });
  });

  describe('authorized Connect applications', () => {
    test('consent records the authorization; listed for the user and the organization; revoking it ends the grant’s refresh token', async () => {
      const org = (await e.http('POST', '/organizations', { key: true, body: { name: `Connect ${tag}` } })).json as Json;
      const user = await newUser('grantor');
      await e.http('POST', '/user_management/organization_memberships', { key: true, body: { user_id: user.id, organization_id: org.id } });
      const app = await e.workos.connect.createApplication({ applicationType: 'oauth', name: `Third party ${tag}`, isFirstParty: false, organizationId: org.id, redirectUris: [{ uri: CONNECT_REDIRECT }] });
      const { secret } = await e.workos.connect.createApplicationClientSecret({ id: app.id });
      const issuer = `${e.baseUrl}/oauth2/${e.creds.client_id}`;
      const { verifier, challenge } = pkcePair();
      const { redirect } = await authorizeWithPassword(
        new OAuthAgent(e.baseUrl),
        `${issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: CONNECT_REDIRECT, response_type: 'code', scope: 'openid email offline_access', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' })}`,
        CONNECT_REDIRECT,
        { email: user.email, password: PASSWORD },
      );
      const basic = `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}`;
      const token = (fields: Record<string, string>) => fetch(`${issuer}/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
      const tokens = (await (await token({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: CONNECT_REDIRECT, code_verifier: verifier })).json()) as Json;
      assert.ok(tokens.refresh_token);

      const mine = await e.http('GET', `/user_management/users/${user.id}/authorized_applications`, { key: true });
      assert.equal(mine.status, 200, mine.text);
      const [item] = (mine.json as Json).data;
      assert.equal(item.object, 'authorized_connect_application');
      assert.match(item.id, /^authorized_connect_app_/);
      assert.deepEqual([item.application.id, item.application.client_id], [app.id, app.clientId]);
      assert.deepEqual([...item.granted_scopes].sort(), ['email', 'offline_access', 'openid']);
      const theirs = await e.http('GET', `/organizations/${org.id}/authorized_applications`, { key: true });
      assert.deepEqual((theirs.json as Json).data.map((a: Json) => [a.id, a.user_id]), [[item.id, user.id]]);
      expectStatus(await e.http('GET', `/user_management/users/${user.id}/authorized_applications`, { key: other.apiKey }), 404);
      expectStatus(await e.http('DELETE', `/user_management/users/${user.id}/authorized_applications/${app.id}`, { key: other.apiKey }), 404);

      expectStatus(await e.http('DELETE', `/user_management/users/${user.id}/authorized_applications/${app.id}`, { key: true }), 204);
      assert.deepEqual(((await e.http('GET', `/user_management/users/${user.id}/authorized_applications`, { key: true })).json as Json).data, []);
      const refresh = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      assert.equal(refresh.status, 400, 'the revoked grant’s refresh token is dead');
      assert.equal(((await refresh.json()) as Json).error, 'invalid_grant');
      expectStatus(await e.http('DELETE', `/user_management/users/${user.id}/authorized_applications/${app.id}`, { key: true }), 404);
      expectStatus(await e.http('DELETE', `/user_management/users/${user.id}/authorized_applications/nonsense`, { key: true }), 404);
      expectStatus(await e.http('GET', '/organizations/org_01ZZZZZZZZZZZZZZZZZZZZZZZZ/authorized_applications', { key: true }), 404);
      expectStatus(await e.http('GET', `/user_management/users/${user.id}/authorized_applications?limit=1000`, { key: true }), 422);
    });
  });

  describe('Client API tokens', () => {
    test('a short JWT on the environment keys for an active member; refused for others', async () => {
      const org = (await e.http('POST', '/organizations', { key: true, body: { name: `Client API ${tag}` } })).json as Json;
      const member = await newUser('client-api');
      const outsider = await newUser('client-api-out');
      await e.http('POST', '/user_management/organization_memberships', { key: true, body: { user_id: member.id, organization_id: org.id } });
      const res = await e.http('POST', '/client/token', { key: true, body: { organization_id: org.id, user_id: member.id } });
      assert.equal(res.status, 200, res.text);
      const claims = await claimsOf((res.json as Json).token);
      assert.deepEqual([claims.sub, claims.org_id, claims.aud], [member.id, org.id, 'client_api']);
      assert.ok((claims.exp as number) - (claims.iat as number) <= 600);
      expectStatus(await e.http('POST', '/client/token', { key: true, body: { organization_id: org.id, user_id: outsider.id } }), 422, 'organization_membership_required');
      expectStatus(await e.http('POST', '/client/token', { key: true, body: { organization_id: org.id } }), 422);
      expectStatus(await e.http('POST', '/client/token', { key: true, body: { organization_id: org.id, user_id: 'user_01ZZZZZZZZZZZZZZZZZZZZZZZZ' } }), 404);
      expectStatus(await e.http('POST', '/client/token', { key: other.apiKey, body: { organization_id: org.id, user_id: member.id } }), 404);
      expectStatus(await e.http('POST', '/client/token', { body: { organization_id: org.id, user_id: member.id } }), 401);
    });
  });

  describe('radar challenges', () => {
    test('getRadarChallenge answers the email challenge of a challenged sign-in, with the code that was mailed', async () => {
      const settings = (body: Json) => e.http('PUT', '/radar/settings', { key: true, body });
      expectStatus(await settings({ bot_detection: { mode: 'challenge' } }), 200);
      try {
        const user = await newUser('challenged');
        const refused = await authenticate({ grant_type: 'password', email: user.email, password: PASSWORD, user_agent: 'curl/8.5.0', ip_address: '203.0.113.9' });
        expectStatus(refused, 403, 'radar_email_challenge');
        const id = (refused.json as Json).radar_challenge_id as string;
        const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(user.email) && /unusual sign-in/.test(m.text));
        const got = await e.http('GET', `/user_management/radar_challenges/${id}`, { key: true });
        assert.equal(got.status, 200, got.text);
        const c = got.json as Json;
        assert.deepEqual([c.object, c.id, c.type, c.user_id, c.email, c.code], ['radar_challenge', id, 'email', user.id, user.email, codeIn(mail.text)]);
        expectStatus(await e.http('GET', `/user_management/radar_challenges/${id}`, { key: other.apiKey }), 404);
        expectStatus(await e.http('GET', '/user_management/radar_challenges/radar_challenge_01ZZZZZZZZZZZZZZZZZZZZZZZZ', { key: true }), 404);
        expectStatus(await e.http('GET', '/user_management/radar_challenges/nope', { key: true }), 404);
      } finally {
        await settings({ bot_detection: { mode: 'log' } });
      }
    });
  });
});
