import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkOS } from '@workos-inc/node';
import { uniqueSuffix } from '@wos/platform/testing';
import { startE2e, type E2e } from '../support/e2e-stack';
import { cookieHeaderFrom, type HttpResult } from '../support/http';

/**
 * AuthKit's hosted sign-in through the gateway: the SDK's authorization URL, the sign-in form a
 * browser would see, the redirect with a code, and the SDK's code exchange (confidential and PKCE).
 */
describe('AuthKit hosted sign-in (authorization code flow)', () => {
  let e: E2e;
  const redirectUri = 'http://127.0.0.1:5999/callback';
  const password = 'correct horse battery staple 42';
  let email: string;

  before(async () => {
    e = await startE2e({ name: 'authkit_signin', portOffset: 23000, apps: ['organizations', 'events', 'identity'] });
    await e.addRedirectUri(redirectUri);
    email = `signin-${uniqueSuffix()}@example.com`;
    await e.workos.userManagement.createUser({ email, password, firstName: 'Ada', emailVerified: true });
  });
  after(() => e?.stop());

  /** What a browser does: GET the authorize URL (the flow cookie), read the form (its CSRF token), POST it. */
  async function signIn(authorizeUrl: string, credentials = { email, password }): Promise<{ form: HttpResult; result: HttpResult }> {
    const url = new URL(authorizeUrl);
    const form = await e.http('GET', `${url.pathname}${url.search}`);
    assert.equal(form.status, 200, form.text.slice(0, 300));
    assert.match(form.contentType, /text\/html/);
    const action = /<form method="post" action="([^"]+)"/.exec(form.text)![1]!.replace(/&amp;/g, '&');
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(form.text)![1]!;
    const cookie = cookieHeaderFrom(form);
    const body = new URLSearchParams({ ...credentials, csrf_token: csrf }).toString();
    const result = await e.http('POST', action, { body, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
    return { form, result };
  }

  function codeFrom(res: HttpResult, state?: string): string {
    assert.equal(res.status, 302, res.text.slice(0, 300));
    const location = new URL(String(res.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, redirectUri);
    if (state) assert.equal(location.searchParams.get('state'), state);
    return location.searchParams.get('code')!;
  }

  test('confidential client: authorize → sign in → authenticateWithCode returns the user and a verifiable JWT', async () => {
    const url = e.workos.userManagement.getAuthorizationUrl({ provider: 'authkit', redirectUri, state: 'st-1', clientId: e.creds.client_id });
    const code = codeFrom((await signIn(url)).result, 'st-1');
    const auth = await e.workos.userManagement.authenticateWithCode({ code, clientId: e.creds.client_id });
    assert.equal(auth.user.email, email);
    assert.equal(auth.authenticationMethod, 'Password');
    const { createRemoteJWKSet, jwtVerify } = await import('jose'); // ESM-only; this file is CommonJS
    const jwks = createRemoteJWKSet(new URL(e.workos.userManagement.getJwksUrl(e.creds.client_id)));
    const { payload } = await jwtVerify(auth.accessToken, jwks);
    assert.equal(payload.sub, auth.user.id);

    await assert.rejects(e.workos.userManagement.authenticateWithCode({ code, clientId: e.creds.client_id }), (err: { status?: number }) => err.status === 400, 'a code works once');
  });

  test('public client with PKCE: authenticateWithCodeAndVerifier without an API key', async () => {
    const publicClient = new WorkOS({ clientId: e.creds.client_id, apiHostname: '127.0.0.1', port: e.port, https: false, maxRetries: 0 });
    const { url, state, codeVerifier } = await publicClient.userManagement.getAuthorizationUrlWithPKCE({ provider: 'authkit', redirectUri, clientId: e.creds.client_id });
    const code = codeFrom((await signIn(url)).result, state);
    const wrong = codeFrom((await signIn(url)).result, state);
    await assert.rejects(publicClient.userManagement.authenticateWithCodeAndVerifier({ code: wrong, codeVerifier: `${codeVerifier.slice(0, -1)}${codeVerifier.endsWith('x') ? 'y' : 'x'}`, clientId: e.creds.client_id }), (err: { status?: number }) => err.status === 400);
    const auth = await publicClient.userManagement.authenticateWithCodeAndVerifier({ code, codeVerifier, clientId: e.creds.client_id });
    assert.equal(auth.user.email, email);
    assert.ok(auth.refreshToken);
  });

  test('a public client cannot exchange a code issued without PKCE', async () => {
    const publicClient = new WorkOS({ clientId: e.creds.client_id, apiHostname: '127.0.0.1', port: e.port, https: false, maxRetries: 0 });
    const code = codeFrom((await signIn(e.workos.userManagement.getAuthorizationUrl({ provider: 'authkit', redirectUri, clientId: e.creds.client_id }))).result);
    await assert.rejects(publicClient.userManagement.authenticateWithCodeAndVerifier({ code, codeVerifier: 'v'.repeat(43), clientId: e.creds.client_id }), (err: { status?: number }) => err.status === 400);
  });

  test('a wrong password re-shows the form with an error and issues no code', async () => {
    const url = e.workos.userManagement.getAuthorizationUrl({ provider: 'authkit', redirectUri, clientId: e.creds.client_id });
    for (const credentials of [{ email, password: 'wrong password' }, { email: `nobody-${uniqueSuffix()}@example.com`, password }]) {
      const { result } = await signIn(url, credentials);
      assert.equal(result.status, 200);
      assert.match(result.text, /Incorrect email or password/);
      assert.equal(result.headers.location, undefined);
    }
  });

  test('an unregistered redirect URI, a post without the flow cookie or a code from another environment is refused', async () => {
    const bad = e.workos.userManagement.getAuthorizationUrl({ provider: 'authkit', redirectUri: 'http://127.0.0.1:5999/other', clientId: e.creds.client_id });
    const res = await e.http('GET', new URL(bad).pathname + new URL(bad).search);
    assert.equal(res.status, 400);
    assert.equal((res.json as { code: string }).code, 'invalid_redirect_uri');

    const url = new URL(e.workos.userManagement.getAuthorizationUrl({ provider: 'authkit', redirectUri, clientId: e.creds.client_id }));
    const form = await e.http('GET', url.pathname + url.search);
    const action = /action="([^"]+)"/.exec(form.text)![1]!.replace(/&amp;/g, '&');
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(form.text)![1]!;
    // The authorize request lives in the flow behind the cookie: a post without it is refused.
    const forged = await e.http('POST', action, { body: new URLSearchParams({ email, password, csrf_token: csrf }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.location, undefined);

    const other = await e.createEnvironment(`authkit-other-${uniqueSuffix()}`);
    const code = codeFrom((await signIn(url.toString())).result);
    const otherClient = e.client(other.api_key, { clientId: other.client_id });
    await assert.rejects(otherClient.userManagement.authenticateWithCode({ code, clientId: other.client_id }), (err: { status?: number }) => err.status === 400);
  });

  test('a code is exchanged only by the client it was issued to; refused attempts do not burn it (review L3)', async () => {
    const second = JSON.parse(await e.stack.runGatewayCli(['client-ids', 'create', '--environment', e.creds.environment_id, '--json'])) as { id: string };
    const publicClient = new WorkOS({ clientId: e.creds.client_id, apiHostname: '127.0.0.1', port: e.port, https: false, maxRetries: 0 });
    const { url, state, codeVerifier } = await publicClient.userManagement.getAuthorizationUrlWithPKCE({ provider: 'authkit', redirectUri, clientId: e.creds.client_id });
    const code = codeFrom((await signIn(url)).result, state);
    const otherPublic = new WorkOS({ clientId: second.id, apiHostname: '127.0.0.1', port: e.port, https: false, maxRetries: 0 });
    await assert.rejects(otherPublic.userManagement.authenticateWithCodeAndVerifier({ code, codeVerifier, clientId: second.id }), (err: { status?: number }) => err.status === 400);
    await assert.rejects(e.workos.userManagement.authenticateWithCode({ code, codeVerifier, clientId: second.id }), (err: { status?: number }) => err.status === 400);
    const auth = await publicClient.userManagement.authenticateWithCodeAndVerifier({ code, codeVerifier, clientId: e.creds.client_id });
    assert.equal(auth.user.email, email);
  });

  test('authorize without provider, connection or organization is a 4xx with a WorkOS body', async () => {
    const q = new URLSearchParams({ client_id: e.creds.client_id, redirect_uri: redirectUri, response_type: 'code' });
    const res = await e.http('GET', `/user_management/authorize?${q}`);
    assert.equal(res.status, 422);
    assert.equal(typeof (res.json as { message: string }).message, 'string');
  });

  test('a sign-in that carries an invitation token accepts the invitation and signs in to its organization', async () => {
    const org = await e.workos.organizations.createOrganization({ name: `Invited ${uniqueSuffix()}` });
    const invitedEmail = `invited-${uniqueSuffix()}@example.com`;
    const invitation = await e.workos.userManagement.sendInvitation({ email: invitedEmail, organizationId: org.id });
    await e.workos.userManagement.createUser({ email: invitedEmail, password, emailVerified: true });
    const auth = await e.workos.userManagement.authenticateWithPassword({ email: invitedEmail, password, invitationToken: invitation.token, clientId: e.creds.client_id });
    assert.equal(auth.organizationId, org.id);
    assert.equal((await e.workos.userManagement.getInvitation(invitation.id)).state, 'accepted');
    const memberships = await e.workos.userManagement.listOrganizationMemberships({ userId: auth.user.id, organizationId: org.id });
    assert.equal(memberships.data[0]?.status, 'active');
  });
});

