import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionSchema } from '@wos/contracts';
import { newId } from '@wos/platform';
import { startHarness, type Harness } from './support/harness';
import { idpMetadataXml, newKeyPair, type KeyPair } from './support/keys';

/** The Admin Portal's one read of an organization's SSO setup (`GET /internal/sso/organizations/:id/portal_view`). */
describe('PortalViewController (sso)', () => {
  let h: Harness;
  let idp: KeyPair;
  before(async () => {
    h = await startHarness('sso_portal_view');
    idp = await newKeyPair();
  });
  after(() => h?.close());

  const view = (env: string, org: string) => h.call(env, 'GET', `/internal/sso/organizations/${org}/portal_view`);
  const saml = (org: string, over: Record<string, unknown> = {}) => ({
    name: 'Okta',
    connection_type: 'OktaSAML',
    organization_id: org,
    domains: ['b.example.com', 'a.example.com'],
    saml: { idp_metadata_xml: idpMetadataXml('https://idp.example.com/meta', 'https://idp.example.com/sso', idp.cert), sign_requests: true, ...over },
  });

  test('the newest connection as the list gives it and its SP details as sp_metadata gives them (without the XML); an OAuth connection has none', async () => {
    const env = newId('environment');
    const org = newId('org');
    assert.deepEqual((await view(env, org)).body, { connection: null, sp: null }, 'no connection yet');

    const created = await h.call(env, 'POST', '/connections', { body: saml(org) });
    assert.equal(created.status, 201, created.text);
    const r = await view(env, org);
    assert.equal(r.status, 200, r.text);
    const listed = await h.call(env, 'GET', `/connections?organization_id=${org}&limit=1&order=desc`);
    assert.deepEqual(r.body.connection, listed.body.data[0]);
    connectionSchema.strict().parse(r.body.connection);
    assert.equal(r.body.connection.domains.length, 2, 'with its domains');
    const { metadata_xml, ...sp } = (await h.call(env, 'GET', `/connections/${created.body.id}/sp_metadata`)).body;
    assert.match(metadata_xml, /AssertionConsumerService/);
    assert.deepEqual(r.body.sp, sp);
    assert.match(r.body.sp.signing_certificate, /BEGIN CERTIFICATE/);

    const oauth = await h.call(env, 'POST', '/connections', { body: { name: 'Google', connection_type: 'GoogleOAuth', organization_id: org, oauth: { client_id: 'g', client_secret: 's' } } });
    assert.equal(oauth.status, 201, oauth.text);
    const newer = await view(env, org);
    assert.deepEqual(newer.body, { connection: (await h.call(env, 'GET', `/connections?organization_id=${org}&limit=1&order=desc`)).body.data[0], sp: null });
    assert.equal(newer.body.connection.id, oauth.body.id, 'the newest connection');
    assert.deepEqual(newer.body.connection.domains, []);
  });

  test('scoped by the signed environment and the path\'s organization: another environment, another organization, an unknown or malformed ID see nothing', async () => {
    const env = newId('environment');
    const other = newId('environment');
    const org = newId('org');
    const created = await h.call(env, 'POST', '/connections', { body: saml(org) });
    assert.equal(created.status, 201, created.text);
    // The same organization ID in another environment names a connection of its own there.
    const theirs = await h.call(other, 'POST', '/connections', { body: { name: 'Google', connection_type: 'GoogleOAuth', organization_id: org, oauth: { client_id: 'g', client_secret: 's' } } });
    assert.equal(theirs.status, 201, theirs.text);
    assert.equal((await view(env, org)).body.connection.id, created.body.id);
    assert.equal((await view(other, org)).body.connection.id, theirs.body.id);
    assert.deepEqual((await view(newId('environment'), org)).body, { connection: null, sp: null }, 'an environment without it');
    assert.deepEqual((await view(env, newId('org'))).body, { connection: null, sp: null }, 'another organization');
    for (const bad of ['not-an-org', `${org}x`, encodeURIComponent(`${org}' OR '1'='1`), 'x'.repeat(90)]) {
      const r = await view(env, bad);
      assert.equal(r.status, 200, `${bad}: ${r.text}`);
      assert.deepEqual(r.body, { connection: null, sp: null }, bad);
    }
  });

  test('only a signed API-key context reaches it: unsigned and public-client requests are refused', async () => {
    const env = newId('environment');
    const org = newId('org');
    assert.equal((await h.call(env, 'POST', '/connections', { body: saml(org) })).status, 201);
    assert.equal((await h.call(env, 'GET', `/internal/sso/organizations/${org}/portal_view`, { auth: false })).status, 401);
    const publicClient = { authKind: 'public_client' as const, clientId: 'client_01PORTALVIEW0000000000000' };
    assert.equal((await h.call(env, 'GET', `/internal/sso/organizations/${org}/portal_view`, { auth: publicClient })).status, 401);
  });
});
