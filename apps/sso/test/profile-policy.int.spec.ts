import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@wos/platform';
import { MISSING_ORG, signedHeaders, startHarness, type Harness } from './support/harness';
import { TestSamlIdp } from './support/saml-idp';
import { Browser } from './support/browser';

const CLIENT = 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ';
const APP = 'https://app.example.com/callback';

/**
 * C2 (c): an organization's connections sign in only profiles from its verified domains unless
 * the organization allows profiles from outside; every refusal is a 400 for the browser and an
 * authentication.sso_failed naming the reason. SAML profiles are never email_verified.
 */
describe('allow_profiles_outside_organization', () => {
  let h: Harness;
  let idp: TestSamlIdp;

  before(async () => {
    h = await startHarness('sso_profile_policy');
    idp = await TestSamlIdp.start();
  });
  after(async () => {
    await idp?.close();
    await h?.close();
  });

  /** A SAML connection in a fresh environment, for `organizationId` (or none), trusted by the IdP. */
  const connect = async (organizationId: string | null) => {
    const env = newId('environment');
    const r = await h.call(env, 'POST', '/connections', {
      body: { name: 'Okta', connection_type: 'OktaSAML', ...(organizationId ? { organization_id: organizationId } : {}), saml: { idp_metadata_xml: idp.metadataXml() }, activate: true },
    });
    assert.equal(r.status, 201, r.text);
    idp.trust((await h.call(env, 'GET', `/connections/${r.body.id}/sp_metadata`)).body.metadata_xml);
    return { env, id: r.body.id as string };
  };
  const signInAs = async (conn: { env: string; id: string }, email: string) => {
    idp.user = { nameId: email, attributes: { email } };
    return new Browser().browse(`${h.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: APP, response_type: 'code', connection: conn.id })}`, APP, { headers: signedHeaders(conn.env, 'GET', `${h.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: APP, response_type: 'code', connection: conn.id })}`, { authKind: 'public_client', clientId: CLIENT }) });
  };
  const expectRefused = async (conn: { env: string; id: string }, email: string, reason: string) => {
    const result = await signInAs(conn, email);
    assert.equal(result.landed, undefined, `${email} must not get a code`);
    assert.equal(result.status, 400, result.body);
    assert.equal(JSON.parse(result.body).code, reason);
    const failed = (await h.authEvents(conn.env)).filter((e) => e.event === 'authentication.sso_failed').at(-1);
    assert.equal(failed?.data.error.code, reason);
    assert.equal(failed?.data.email, email.toLowerCase());
  };

  test('by default only the verified domains get in; a pending domain does not count', async () => {
    const org = newId('org');
    h.organizations.set(org, {
      domains: [{ domain: 'acme.example', state: 'verified' }, { domain: 'claimed.example', state: 'pending' }],
      allow_profiles_outside_organization: false,
    });
    const conn = await connect(org);
    const ok = await signInAs(conn, 'Alice@ACME.example');
    assert.ok(ok.landed, `did not land: ${ok.status} ${ok.body}`);
    const token = await h.call(conn.env, 'POST', '/sso/token', { form: { client_id: CLIENT, grant_type: 'authorization_code', code: ok.landed.searchParams.get('code')! }, auth: { authKind: 'api_key' } });
    assert.equal(token.body.profile.email, 'alice@acme.example');
    assert.equal(token.body.profile.email_verified, false, 'SAML never proves an address');
    await expectRefused(conn, 'mallory@other.example', 'profile_not_allowed_outside_organization');
    await expectRefused(conn, 'ceo@claimed.example', 'profile_not_allowed_outside_organization');
    await expectRefused(conn, 'x@sub.acme.example', 'profile_not_allowed_outside_organization');
    const { rows } = await h.pool.query('SELECT email FROM profiles WHERE connection_id = $1', [conn.id]);
    assert.deepEqual(rows.map((r) => r.email), ['alice@acme.example'], 'a refused profile is not recorded');
  });

  test('an organization that allows profiles from outside lets any domain in; a connection without an organization is not checked', async () => {
    const org = newId('org');
    h.organizations.set(org, { domains: [{ domain: 'acme.example', state: 'verified' }], allow_profiles_outside_organization: true });
    assert.ok((await signInAs(await connect(org), 'guest@other.example')).landed);
    assert.ok((await signInAs(await connect(null), 'anyone@anywhere.example')).landed);
  });

  test("a connection whose organization no longer exists signs nobody in", async () => {
    const conn = await connect(newId('org'));
    await h.pool.query('UPDATE connections SET organization_id = $2 WHERE id = $1', [conn.id, MISSING_ORG]);
    await expectRefused(conn, 'alice@acme.example', 'organization_not_found');
  });
});
