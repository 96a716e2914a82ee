import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GenericServerException, NotFoundException, UnprocessableEntityException, type WorkOS } from '@workos-inc/node';
import { uniqueSuffix } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';
import { OAuthAgent, pkcePair } from '../support/oauth-agent';

const APP_ID = /^conn_app_[0-9A-HJKMNP-TV-Z]{26}$/;
const CLIENT_ID = /^client_[0-9A-HJKMNP-TV-Z]{26}$/;

describe('Connect applications through the WorkOS SDK', () => {
  let e: E2e;
  let other: WorkOS;
  let orgId: string;
  const tag = uniqueSuffix();

  before(async () => {
    e = await startE2e({ name: 'connect_sdk', portOffset: 10500, apps: ['organizations', 'events', 'identity'] });
    other = e.client((await e.createEnvironment(`connect-other-${tag}`)).api_key);
    orgId = (await e.workos.organizations.createOrganization({ name: `Connect ${tag}` })).id;
  });
  after(async () => {
    await e?.stop();
  });

  test('OAuth application: create, get by ID and by client ID, update, list with organization filter, delete', async () => {
    const connect = e.workos.connect;
    const created = await connect.createApplication({
      applicationType: 'oauth',
      name: `Third party ${tag}`,
      isFirstParty: false,
      organizationId: orgId,
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      redirectUris: [{ uri: 'https://app.example.com/callback' }, { uri: 'http://127.0.0.1:9999/cb', default: true }],
      description: 'reads things',
    });
    assert.match(created.id, APP_ID);
    assert.match(created.clientId, CLIENT_ID);
    assert.equal(created.object, 'connect_application');
    assert.equal(created.applicationType, 'oauth');
    if (created.applicationType !== 'oauth') return;
    assert.deepEqual(created.redirectUris, [
      { uri: 'https://app.example.com/callback', default: false },
      { uri: 'http://127.0.0.1:9999/cb', default: true },
    ]);
    assert.equal(created.usesPkce, true);
    assert.equal(created.isFirstParty, false);
    assert.equal(created.wasDynamicallyRegistered, false);
    assert.equal(created.organizationId, orgId);

    assert.deepEqual(await connect.getApplication({ id: created.clientId }), created);
    const updated = await connect.updateApplication({ id: created.id, name: 'Renamed', scopes: ['openid'] });
    assert.equal(updated.name, 'Renamed');
    assert.deepEqual(updated.scopes, ['openid']);
    assert.equal(updated.description, 'reads things', 'an update that leaves description out keeps it (the SDK sends null)');
    if (updated.applicationType === 'oauth') assert.equal(updated.redirectUris.length, 2);

    const firstParty = await connect.createApplication({ applicationType: 'oauth', name: 'Mine', isFirstParty: true });
    const listed = await connect.listApplications({ organizationId: orgId });
    assert.deepEqual(listed.data.map((a) => a.id), [created.id]);
    const all = await connect.listApplications({ limit: 1 });
    assert.equal(all.data.length, 1);
    assert.ok((await all.autoPagination()).some((a) => a.id === firstParty.id));

    await connect.deleteApplication({ id: created.id });
    await expectSdkError(connect.getApplication({ id: created.id }), NotFoundException, 404);
    await waitForEvents(e.workos, ['connect_application.deleted' as never], (l) => l.some((ev) => (ev.data as unknown as { id: string }).id === created.id));
  });

  test('M2M application and client secrets: created once with the secret, listed as a bare array of hints, deleted', async () => {
    const connect = e.workos.connect;
    const m2m = await connect.createApplication({ applicationType: 'm2m', name: `Worker ${tag}`, organizationId: orgId, scopes: ['reports:read'] });
    assert.equal(m2m.applicationType, 'm2m');
    assert.equal(m2m.organizationId, orgId);
    assert.equal((m2m as unknown as { redirectUris?: unknown }).redirectUris, undefined);

    const s1 = await connect.createApplicationClientSecret({ id: m2m.id });
    assert.equal(s1.object, 'connect_application_secret');
    assert.ok(s1.secret.length >= 43);
    assert.equal(s1.secretHint, s1.secret.slice(-4));
    assert.equal(s1.lastUsedAt, null);
    const s2 = await connect.createApplicationClientSecret({ id: m2m.clientId });
    const listed = await connect.listApplicationClientSecrets({ id: m2m.id });
    assert.deepEqual(listed.map((s) => s.id).sort(), [s1.id, s2.id].sort());
    assert.ok(listed.every((s) => !('secret' in s) || (s as { secret?: string }).secret === undefined), 'a listed secret never carries its value');

    await connect.deleteClientSecret({ id: s1.id });
    assert.deepEqual((await connect.listApplicationClientSecrets({ id: m2m.id })).map((s) => s.id), [s2.id]);
    await expectSdkError(connect.deleteClientSecret({ id: s1.id }), NotFoundException, 404);
    const events = await waitForEvents(e.workos, ['connect_application_secret.created' as never, 'connect_application_secret.deleted' as never], (l) => l.filter((ev) => (ev.data as unknown as { id: string }).id === s1.id).length === 2);
    assert.ok(events.every((ev) => !JSON.stringify(ev.data).includes(s1.secret)), 'no event carries a secret');
  });

  test('bad input is a 422 naming the field; unknown IDs are 404; nothing is written', async () => {
    const connect = e.workos.connect;
    const before = (await connect.listApplications({ limit: 100 })).data.length;
    await expectSdkError(connect.createApplication({ applicationType: 'oauth', name: 'x', isFirstParty: false }), UnprocessableEntityException, 422);
    await expectSdkError(connect.createApplication({ applicationType: 'oauth', name: 'x', isFirstParty: true, redirectUris: [{ uri: 'http://evil.example.com/cb' }] }), UnprocessableEntityException, 422);
    await expectSdkError(connect.createApplication({ applicationType: 'oauth', name: 'x', isFirstParty: true, redirectUris: [{ uri: 'https://a.example.com/cb#frag' }] }), UnprocessableEntityException, 422);
    await expectSdkError(connect.createApplication({ applicationType: 'oauth', name: 'x', isFirstParty: true, scopes: ['has space'] }), UnprocessableEntityException, 422);
    await expectSdkError(connect.createApplication({ applicationType: 'm2m', name: 'x', organizationId: 'org_01HZBC6N1EB1ZY7KG32XAAAAAA' }), NotFoundException, 404);
    const res = await e.http('POST', '/connect/applications', { key: true, body: { application_type: 'saml', name: 'x' } });
    assert.equal(res.status, 422, res.text);
    assert.equal((res.json as { code: string }).code, 'invalid_request_parameters');
    assert.equal((await connect.listApplications({ limit: 100 })).data.length, before);
    await expectSdkError(connect.getApplication({ id: 'conn_app_01HZBC6N1EB1ZY7KG32XAAAAAA' }), NotFoundException, 404);
    await expectSdkError(connect.createApplicationClientSecret({ id: 'nope' }), NotFoundException, 404);
  });

  test('another environment sees none of these applications or secrets', async () => {
    const mine = await e.workos.connect.createApplication({ applicationType: 'oauth', name: 'Isolated', isFirstParty: true });
    const secret = await e.workos.connect.createApplicationClientSecret({ id: mine.id });
    await expectSdkError(other.connect.getApplication({ id: mine.id }), NotFoundException, 404);
    await expectSdkError(other.connect.getApplication({ id: mine.clientId }), NotFoundException, 404);
    await expectSdkError(other.connect.updateApplication({ id: mine.id, name: 'hijack' }), NotFoundException, 404);
    await expectSdkError(other.connect.deleteApplication({ id: mine.id }), NotFoundException, 404);
    await expectSdkError(other.connect.listApplicationClientSecrets({ id: mine.id }), NotFoundException, 404);
    await expectSdkError(other.connect.deleteClientSecret({ id: secret.id }), NotFoundException, 404);
    assert.equal((await other.connect.listApplications()).data.length, 0);
    assert.equal((await e.workos.connect.getApplication({ id: mine.id })).name, 'Isolated');
  });

  test('completeOAuth2 (Standalone Connect): the custom login page vouches for its user and the browser resumes the authorization', async () => {
    const login = 'https://login.example.com/sign-in';
    const redirect = 'http://127.0.0.1:9912/cb';
    const put = await e.http('PUT', '/connect/settings', { key: true, body: { external_login_url: login } });
    assert.equal(put.status, 200, put.text);
    const app = await e.workos.connect.createApplication({ applicationType: 'oauth', name: `Standalone ${tag}`, isFirstParty: true, redirectUris: [{ uri: redirect }] });
    const issuer = `${e.baseUrl}/oauth2/${e.creds.client_id}`;
    const agent = new OAuthAgent(e.baseUrl);
    const { verifier, challenge } = pkcePair();
    const started = await agent.follow('GET', `${issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: redirect, response_type: 'code', scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' })}`, login);
    const externalAuthId = new URL(started.url).searchParams.get('external_auth_id')!;
    assert.match(externalAuthId, /^ext_auth_/);

    await expectSdkError(other.connect.completeOAuth2({ externalAuthId, user: { id: 'ext-1', email: `ext-${tag}@example.com` } }), NotFoundException, 404);
    await expectSdkError(e.workos.connect.completeOAuth2({ externalAuthId: 'ext_auth_nope', user: { id: 'ext-1', email: `ext-${tag}@example.com` } }), NotFoundException, 404);
    const email = `ext-${tag}@example.com`;
    const done = await e.workos.connect.completeOAuth2({ externalAuthId, user: { id: `ext-${tag}`, email, firstName: 'Grace', lastName: 'Hopper' } });
    assert.ok(done.redirectUri.startsWith(`${issuer}/interaction/`));
    await expectSdkError(e.workos.connect.completeOAuth2({ externalAuthId, user: { id: `ext-${tag}`, email } }), GenericServerException, 400);

    const back = await agent.follow('GET', done.redirectUri, redirect);
    const code = new URL(back.url).searchParams.get('code')!;
    const tokens = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, code, redirect_uri: redirect, code_verifier: verifier }) });
    assert.equal(tokens.status, 200);
    const user = await e.workos.userManagement.getUserByExternalId(`ext-${tag}`);
    assert.equal(user.email, email);
    const info = (await (await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${((await tokens.json()) as { access_token: string }).access_token}` } })).json()) as { sub: string };
    assert.equal(info.sub, user.id);
    // Without the browser's interaction cookie, the returned URL resumes nothing.
    const stranger = await new OAuthAgent(e.baseUrl).request('GET', done.redirectUri);
    assert.equal(stranger.status, 400);
    await e.http('PUT', '/connect/settings', { key: true, body: { external_login_url: null } });
  });
});
