import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { newId } from '@wos/platform';
import { signedHeaders, startHarness, type Harness } from './support/harness';
import { TestSamlIdp } from './support/saml-idp';
import { Browser } from './support/browser';

const ENV = newId('environment');
const ORG = newId('org');
const CLIENT = 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ';
const APP = 'https://app.example.com/callback';

describe('SAML sign-in against a samlify IdP', () => {
  let h: Harness;
  let idp: TestSamlIdp;
  let signingIdp: TestSamlIdp;
  let conn: { id: string };
  let signingConn: { id: string };

  const createConnection = async (env: string, idpMeta: string, saml: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
    const r = await h.call(env, 'POST', '/connections', {
      body: { name: 'Okta', connection_type: 'OktaSAML', organization_id: ORG, domains: ['example.com'], saml: { idp_metadata_xml: idpMeta, ...saml }, activate: true, ...extra },
    });
    assert.equal(r.status, 201, r.text);
    return r.body as { id: string };
  };
  const authorizeUrl = (connection: string, extra: Record<string, string> = {}) =>
    `${h.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: APP, response_type: 'code', connection, state: 'st-123', ...extra })}`;
  /** The signed context the gateway adds to /sso/authorize, for the in-process service. */
  const gatewayHeaders = (env: string, url: string) => signedHeaders(env, 'GET', url, { authKind: 'public_client', clientId: CLIENT });
  const signIn = async (connection: string, env = ENV, extra: Record<string, string> = {}) =>
    new Browser().browse(authorizeUrl(connection, extra), APP, { headers: gatewayHeaders(env, authorizeUrl(connection, extra)) });
  const exchange = (env: string, code: string, extra: Record<string, string> = {}, authKind: 'api_key' | 'public_client' = 'api_key') =>
    h.call(env, 'POST', '/sso/token', { form: { client_id: CLIENT, grant_type: 'authorization_code', code, ...extra }, auth: { authKind, clientId: CLIENT } });

  before(async () => {
    h = await startHarness('sso_saml');
    idp = await TestSamlIdp.start();
    signingIdp = await TestSamlIdp.start({ wantAuthnRequestsSigned: true });
    conn = await createConnection(ENV, idp.metadataXml());
    idp.trust((await h.call(ENV, 'GET', `/connections/${conn.id}/sp_metadata`)).body.metadata_xml);
    signingConn = await createConnection(ENV, signingIdp.metadataXml(), { sign_requests: true });
    signingIdp.trust((await h.call(ENV, 'GET', `/connections/${signingConn.id}/sp_metadata`)).body.metadata_xml);
  });
  after(async () => {
    await idp?.close();
    await signingIdp?.close();
    await h?.close();
  });

  test('SP-initiated: authorize → IdP → ACS → code → token → profile (Okta-style attributes)', async () => {
    idp.user = { nameId: 'alice@example.com', attributes: { firstName: 'Alice', lastName: 'Liddell', email: 'Alice@Example.com', groups: ['Admins', 'Staff'], role: 'admin' } };
    const result = await signIn(conn.id);
    assert.ok(result.landed, `did not land: ${result.status} ${result.body} ${result.steps.join(' → ')}`);
    assert.equal(result.landed.searchParams.get('state'), 'st-123');
    const code = result.landed.searchParams.get('code')!;
    const token = await exchange(ENV, code);
    assert.equal(token.status, 200, token.text);
    assert.equal(token.body.token_type, 'Bearer');
    assert.ok(token.body.expires_in > 0);
    const p = token.body.profile;
    assert.match(p.id, /^prof_/);
    assert.equal(p.object, 'profile');
    assert.equal(p.connection_id, conn.id);
    assert.equal(p.connection_type, 'OktaSAML');
    assert.equal(p.organization_id, ORG);
    assert.equal(p.idp_id, 'alice@example.com');
    assert.equal(p.email, 'alice@example.com');
    assert.equal(p.email_verified, false, 'a SAML assertion proves no address (C2)');
    assert.equal(p.first_name, 'Alice');
    assert.equal(p.last_name, 'Liddell');
    assert.deepEqual(p.groups, ['Admins', 'Staff']);
    assert.deepEqual(p.role, { slug: 'admin' });
    assert.deepEqual(p.raw_attributes.groups, ['Admins', 'Staff']);
    const profile = await h.call(ENV, 'GET', '/sso/profile', { auth: false, headers: { authorization: `Bearer ${token.body.access_token}` } });
    assert.equal(profile.status, 200, profile.text);
    assert.deepEqual(profile.body, p);
    // The same subject keeps its profile ID on the next sign-in.
    const again = await exchange(ENV, (await signIn(conn.id)).landed!.searchParams.get('code')!);
    assert.equal(again.body.profile.id, p.id);
    const events = await h.authEvents(ENV);
    assert.ok(events.some((e) => e.event === 'authentication.sso_succeeded' && e.data.email === 'alice@example.com' && e.data.sso.connection_id === conn.id));
  });

  test('signed AuthnRequests verify at the IdP against the certificate in our SP metadata; Entra-style claims', async () => {
    const claims = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
    signingIdp.user = {
      nameId: 'AbC123-opaque',
      attributes: {
        [`${claims}/emailaddress`]: 'bob@contoso.com',
        [`${claims}/givenname`]: 'Bob',
        [`${claims}/surname`]: 'Builder',
        'http://schemas.microsoft.com/identity/claims/displayname': 'Bob the Builder',
        'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ['g-1', 'g-2'],
        'http://schemas.microsoft.com/ws/2008/06/identity/claims/role': ['Reader', 'Writer'],
      },
    };
    const result = await signIn(signingConn.id);
    assert.ok(result.landed, `did not land: ${result.status} ${result.body}`);
    assert.ok(new URL(result.steps[1]!.split(' ')[1]!).searchParams.get('Signature'), 'the AuthnRequest is signed');
    const p = (await exchange(ENV, result.landed.searchParams.get('code')!)).body.profile;
    assert.equal(p.idp_id, 'AbC123-opaque');
    assert.equal(p.email, 'bob@contoso.com');
    assert.equal(p.first_name, 'Bob');
    assert.equal(p.name, 'Bob the Builder');
    assert.deepEqual(p.groups, ['g-1', 'g-2']);
    assert.deepEqual(p.roles, [{ slug: 'Reader' }, { slug: 'Writer' }]);
    // An IdP that wants signed requests refuses an unsigned one (tampered signature).
    const stripped = (await h.call(ENV, 'GET', authorizeUrl(signingConn.id).slice(h.baseUrl.length), { auth: { authKind: 'public_client', clientId: CLIENT } })).headers.get('location')!;
    const res = await fetch(stripped.replace(/Signature=[^&]+/, `Signature=${encodeURIComponent(randomBytes(256).toString('base64'))}`));
    assert.equal(res.status, 400);
  });

  test('generic attributes with a per-connection attribute map and custom attributes; assertion-signed responses', async () => {
    const env = newId('environment');
    const c = await createConnection(env, idp.metadataXml(), { attribute_map: { email: 'mailPrimary', first_name: 'gn', last_name: 'fn', groups: 'teams', department: 'dept' } });
    idp.trust((await h.call(env, 'GET', `/connections/${c.id}/sp_metadata`)).body.metadata_xml, { signAssertion: true });
    try {
      idp.user = { nameId: 'u-77', attributes: { mailPrimary: 'carol@generic.io', gn: 'Carol', fn: 'Danvers', teams: 'red', dept: 'R&D' } };
      const result = await signIn(c.id, env);
      assert.ok(result.landed, `did not land: ${result.status} ${result.body}`);
      const p = (await exchange(env, result.landed.searchParams.get('code')!)).body.profile;
      assert.equal(p.email, 'carol@generic.io');
      assert.equal(p.first_name, 'Carol');
      assert.equal(p.last_name, 'Danvers');
      assert.deepEqual(p.groups, ['red']);
      assert.deepEqual(p.custom_attributes, { department: 'R&D' });
    } finally {
      idp.trust((await h.call(ENV, 'GET', `/connections/${conn.id}/sp_metadata`)).body.metadata_xml);
    }
  });

  test('PKCE: a public client must present the verifier; the code is bound to client and environment; reuse is refused and recorded', async () => {
    idp.user = { nameId: 'dave@example.com', attributes: {} };
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const land = async () => (await signIn(conn.id, ENV, { code_challenge: challenge, code_challenge_method: 'S256' })).landed!.searchParams.get('code')!;
    const code = await land();
    assert.equal((await exchange(ENV, code, {}, 'public_client')).body.error, 'invalid_grant', 'no verifier');
    const code2 = await land();
    assert.equal((await exchange(ENV, code2, { code_verifier: randomBytes(32).toString('base64url') }, 'public_client')).body.error, 'invalid_grant', 'wrong verifier');
    const code3 = await land();
    assert.equal((await exchange(newId('environment'), code3, { code_verifier: verifier }, 'public_client')).body.error, 'invalid_grant', 'other environment');
    const code4 = await land();
    const ok = await exchange(ENV, code4, { code_verifier: verifier }, 'public_client');
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.profile.email, 'dave@example.com');
    const reuse = await exchange(ENV, code4, { code_verifier: verifier }, 'public_client');
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.ok((await h.failureReasons(ENV)).includes('code_reused'));
    // A code issued without a challenge needs an API key.
    const plain = (await signIn(conn.id)).landed!.searchParams.get('code')!;
    const pub = await exchange(ENV, plain, {}, 'public_client');
    assert.equal(pub.status, 401);
    assert.equal(pub.body.error, 'invalid_client');
    // JSON bodies work as well as forms.
    const json = await h.call(ENV, 'POST', '/sso/token', { body: { client_id: CLIENT, grant_type: 'authorization_code', code: (await signIn(conn.id)).landed!.searchParams.get('code')! } });
    assert.equal(json.status, 200, json.text);
    assert.equal((await exchange(ENV, 'not-a-code')).body.error, 'invalid_grant');
    assert.equal((await h.call(ENV, 'POST', '/sso/token', { form: { client_id: CLIENT, grant_type: 'password', code: 'x' } })).body.error, 'unsupported_grant_type');
    assert.equal((await h.call(ENV, 'GET', '/sso/profile', { auth: false, headers: { authorization: 'Bearer nope-nope-nope-nope-nope' } })).status, 401);
  });

  test('L3: every binding is checked before the code is spent, so failed attempts cannot burn it; of two concurrent redemptions one wins', async () => {
    idp.user = { nameId: 'fay@example.com', attributes: {} };
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = (await signIn(conn.id, ENV, { code_challenge: challenge, code_challenge_method: 'S256' })).landed!.searchParams.get('code')!;
    const attempts: [string, Promise<{ status: number; body: any }>][] = [
      ['no verifier', exchange(ENV, code, {}, 'public_client')],
      ['wrong verifier', exchange(ENV, code, { code_verifier: randomBytes(32).toString('base64url') }, 'public_client')],
      ['other environment', exchange(newId('environment'), code, { code_verifier: verifier }, 'public_client')],
      ['other client', h.call(ENV, 'POST', '/sso/token', { form: { client_id: 'client_01HYYYYYYYYYYYYYYYYYYYYYYY', grant_type: 'authorization_code', code, code_verifier: verifier }, auth: { authKind: 'public_client', clientId: 'client_01HYYYYYYYYYYYYYYYYYYYYYYY' } })],
    ];
    for (const [what, attempt] of attempts) {
      const r = await attempt;
      assert.equal(r.status, 400, what);
      assert.equal(r.body.error, 'invalid_grant', what);
    }
    const ok = await exchange(ENV, code, { code_verifier: verifier }, 'public_client');
    assert.equal(ok.status, 200, `the rightful client still redeems the code: ${ok.text}`);
    assert.equal(ok.body.profile.email, 'fay@example.com');

    const raced = (await signIn(conn.id)).landed!.searchParams.get('code')!;
    const results = await Promise.all(Array.from({ length: 5 }, () => exchange(ENV, raced)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400, 400, 400, 400]);
  });

  test('IdP-initiated sign-in is refused unless the connection allows it, then lands on its redirect URI', async () => {
    const post = async (connection: string, samlResponse: string) =>
      h.call(ENV, 'POST', `/sso/saml/acs/${connection}`, { auth: false, form: { SAMLResponse: samlResponse, RelayState: 'from-idp' } });
    idp.user = { nameId: 'erin@example.com', attributes: {} };
    const refused = await post(conn.id, await idp.respond({ inResponseTo: null }));
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'idp_initiated_disabled');
    const env = newId('environment');
    const c = await createConnection(env, idp.metadataXml(), { allow_idp_initiated: true, idp_initiated_redirect_uri: 'https://app.example.com/idp-initiated' });
    idp.trust((await h.call(env, 'GET', `/connections/${c.id}/sp_metadata`)).body.metadata_xml);
    try {
      const ok = await post(c.id, await idp.respond({ inResponseTo: null }));
      assert.equal(ok.status, 302, ok.text);
      const to = new URL(ok.headers.get('location')!);
      assert.equal(to.origin + to.pathname, 'https://app.example.com/idp-initiated');
      assert.equal(to.searchParams.get('state'), 'from-idp');
      const p = await exchange(env, to.searchParams.get('code')!);
      assert.equal(p.body.profile.email, 'erin@example.com');
    } finally {
      idp.trust((await h.call(ENV, 'GET', `/connections/${conn.id}/sp_metadata`)).body.metadata_xml);
    }
  });

  test('an inactive connection refuses both authorize and ACS', async () => {
    const env = newId('environment');
    const c = await createConnection(env, idp.metadataXml());
    await h.call(env, 'POST', `/connections/${c.id}/deactivate`);
    const auth = await h.call(env, 'GET', authorizeUrl(c.id).slice(h.baseUrl.length), { auth: { authKind: 'public_client', clientId: CLIENT } });
    assert.equal(auth.status, 422);
    const acs = await h.call(env, 'POST', `/sso/saml/acs/${c.id}`, { auth: false, form: { SAMLResponse: 'PHg+' } });
    assert.equal(acs.status, 400);
    assert.equal(acs.body.code, 'connection_inactive');
  });

  test('authorize validates its parameters and never crosses environments', async () => {
    const q = (params: Record<string, string>, env = ENV) => h.call(env, 'GET', `/sso/authorize?${new URLSearchParams(params)}`, { auth: { authKind: 'public_client', clientId: CLIENT } });
    const base = { client_id: CLIENT, redirect_uri: APP, response_type: 'code' };
    assert.equal((await q(base)).status, 422, 'no connection, organization or provider');
    assert.equal((await q({ ...base, connection: conn.id, response_type: 'token' })).status, 422);
    assert.equal((await q({ ...base, connection: conn.id, code_challenge: 'short' })).status, 422);
    assert.equal((await q({ ...base, provider: 'AppleOAuth' })).status, 422);
    assert.equal((await q({ ...base, connection: conn.id }, newId('environment'))).status, 404, 'another environment cannot use the connection');
    const byOrg = await q({ ...base, organization: ORG });
    assert.equal(byOrg.status, 302);
    assert.ok(byOrg.headers.get('location')!.startsWith(idp.ssoUrl) || byOrg.headers.get('location')!.startsWith(signingIdp.ssoUrl));
    assert.equal((await q({ ...base, organization: newId('org') })).status, 404);
    const unsigned = await h.call(ENV, 'GET', `/sso/authorize?${new URLSearchParams({ ...base, connection: conn.id })}`, { auth: false });
    assert.equal(unsigned.status, 401);
  });
  test('the Admin Portal self-test (its own api_key-signed authorize): a missing email or a skewed clock goes back to its callback as error=<reason>, never a code; the same from a browser is refused', async () => {
    const portal = 'https://portal.example.com/portal/o/org_1/sso/test/callback';
    const url = `${h.baseUrl}/sso/authorize?${new URLSearchParams({ client_id: 'admin-portal', redirect_uri: portal, response_type: 'code', connection: conn.id, state: 'test-state' })}`;
    const selfTest = () => new Browser().browse(url, portal, { headers: signedHeaders(ENV, 'GET', url, { authKind: 'api_key' }) });
    try {
      idp.user = { nameId: 'not-an-address', attributes: { firstName: 'No', lastName: 'Mail' } };
      const noEmail = await selfTest();
      assert.ok(noEmail.landed, `${noEmail.status} ${noEmail.body}`);
      assert.equal(noEmail.landed.searchParams.get('error'), 'missing_email');
      assert.equal(noEmail.landed.searchParams.get('state'), 'test-state');
      assert.equal(noEmail.landed.searchParams.get('code'), null);

      idp.user = { nameId: 'alice@example.com', attributes: { email: 'alice@example.com' } };
      idp.browserOverrides = { notBefore: new Date(Date.now() + 15 * 60_000), notOnOrAfter: new Date(Date.now() + 20 * 60_000) };
      const skewed = await selfTest();
      assert.ok(skewed.landed, `${skewed.status} ${skewed.body}`);
      assert.equal(skewed.landed.searchParams.get('error'), 'assertion_not_yet_valid');
      assert.equal(skewed.landed.searchParams.get('code'), null);

      // A browser naming client_id=admin-portal through the gateway is an ordinary sign-in: refused as JSON.
      const browser = await new Browser().browse(url, portal, { headers: signedHeaders(ENV, 'GET', url, { authKind: 'public_client', clientId: 'admin-portal' }) });
      assert.equal(browser.landed, undefined);
      assert.equal(browser.status, 400);
      assert.equal((JSON.parse(browser.body) as { code: string }).code, 'assertion_not_yet_valid');
    } finally {
      idp.browserOverrides = {};
    }
  });
});
