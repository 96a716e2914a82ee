import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainDataState, WorkOS } from '@workos-inc/node';
import { TestSamlIdp, type SamlIdp, Browser } from '../support/sso-peers';
import { startE2e, type E2e } from '../support/e2e-stack';

const APP = 'https://app.example.com/auth/callback';

/**
 * Sign-in through AuthKit with an enterprise connection: /user_management/authorize hands the
 * browser to SSO, the IdP's response comes back through the SAML ACS to AuthKit, and the app's
 * authenticateWithCode returns the user, created on first sign-in and matched afterwards.
 */
describe('AuthKit sign-in through an SSO connection', () => {
  let e: E2e;
  let idp: SamlIdp;
  let connectionId: string;
  let orgId: string;

  before(async () => {
    e = await startE2e({ name: 'authkit_sso', portOffset: 22000, apps: ['organizations', 'events', 'identity', 'sso'] });
    await e.addRedirectUri(APP);
    idp = await TestSamlIdp.start();
    // The IdP is trusted for the organization's verified domain: its users link and are created verified.
    orgId = (await e.workos.organizations.createOrganization({ name: 'JIT Corp', domainData: [{ domain: 'jit.example', state: DomainDataState.Verified }] })).id;
    const created = await e.http('POST', '/connections', {
      key: true,
      body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: orgId, domains: ['jit.example'], saml: { idp_metadata_xml: idp.metadataXml() }, activate: true },
    });
    assert.equal(created.status, 201, created.text);
    connectionId = (created.json as { id: string }).id;
    idp.trust(((await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true })).json as { metadata_xml: string }).metadata_xml);
    idp.user = { nameId: 'grace@jit.example', attributes: { email: 'grace@jit.example', firstName: 'Grace', lastName: 'Hopper' } };
  });
  after(async () => {
    await idp?.close();
    await e?.stop();
  });

  async function signIn(url: string): Promise<URL> {
    const result = await new Browser().browse(url, APP);
    assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 300)} ${result.steps.join(' → ')}`);
    return result.landed;
  }

  test('by connection: the first sign-in creates the user with a membership; authenticateWithCode returns it', async () => {
    const url = e.workos.userManagement.getAuthorizationUrl({ connectionId, redirectUri: APP, state: 'app-state', clientId: e.creds.client_id });
    const landed = await signIn(url);
    assert.equal(landed.searchParams.get('state'), 'app-state');
    const auth = await e.workos.userManagement.authenticateWithCode({ code: landed.searchParams.get('code')!, clientId: e.creds.client_id });
    assert.equal(auth.user.email, 'grace@jit.example');
    assert.equal(auth.user.firstName, 'Grace');
    assert.equal(auth.user.emailVerified, true);
    assert.equal(auth.authenticationMethod, 'SSO');
    assert.equal(auth.organizationId, orgId);
    const memberships = await e.workos.userManagement.listOrganizationMemberships({ userId: auth.user.id });
    assert.deepEqual(memberships.data.map((m) => [m.organizationId, m.status]), [[orgId, 'active']]);
  });

  test('by organization, as a PKCE public client: the same user is signed in again, not created twice', async () => {
    const before = await e.workos.userManagement.listUsers({ email: 'grace@jit.example' });
    assert.equal(before.data.length, 1);
    const publicClient = new WorkOS({ clientId: e.creds.client_id, apiHostname: '127.0.0.1', port: e.port, https: false, maxRetries: 0 });
    const { url, state, codeVerifier } = await publicClient.userManagement.getAuthorizationUrlWithPKCE({ organizationId: orgId, redirectUri: APP, clientId: e.creds.client_id });
    const landed = await signIn(url);
    assert.equal(landed.searchParams.get('state'), state);
    const auth = await publicClient.userManagement.authenticateWithCodeAndVerifier({ code: landed.searchParams.get('code')!, codeVerifier, clientId: e.creds.client_id });
    assert.equal(auth.user.id, before.data[0]!.id);
    assert.equal(auth.organizationId, orgId);
  });

  test('an altered callback state or a foreign code is refused without a 500', async () => {
    const altered = await e.http('GET', '/user_management/sso/callback?code=x&state=v1.k1.AAAA.BBBB');
    assert.equal(altered.status, 400);
    assert.equal((altered.json as { code: string }).code, 'invalid_state');
    const missing = await e.http('GET', '/user_management/sso/callback');
    assert.equal(missing.status, 400);
  });

  test('an unknown connection is a 404 with a WorkOS body before any redirect', async () => {
    const url = new URL(e.workos.userManagement.getAuthorizationUrl({ connectionId: 'conn_01ARZ3NDEKTSV4RRFFQ69G5FAV', redirectUri: APP, clientId: e.creds.client_id }));
    const res = await e.http('GET', url.pathname + url.search);
    assert.equal(res.status, 404);
    assert.equal(typeof (res.json as { message: string }).message, 'string');
  });
});
