import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connectionEventSchema, connectionSchema } from '@wos/contracts';
import { newId, SecretBox } from '@wos/platform';
import { MISSING_ORG, startHarness, type Harness } from './support/harness';
import { idpMetadataXml, newKeyPair, type KeyPair } from './support/keys';

const ENV = newId('environment');
const OTHER = newId('environment');
const ORG = newId('org');

describe('ConnectionsController', () => {
  let h: Harness;
  let idp: KeyPair;
  let docs: Server;
  let docsUrl: string;

  before(async () => {
    h = await startHarness('sso_connections');
    idp = await newKeyPair();
    // Serves IdP metadata and an OIDC discovery document, as a customer's IdP would.
    docs = createServer((req, res) => {
      if (req.url === '/metadata') return void res.end(idpMetadataXml('https://idp.example.com/meta', 'https://idp.example.com/sso', idp.cert));
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify({ issuer: docsUrl, authorization_endpoint: `${docsUrl}/auth`, token_endpoint: `${docsUrl}/token`, jwks_uri: `${docsUrl}/jwks`, id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none'] }));
      }
      res.statusCode = 404;
      res.end('nope');
    });
    await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
    docsUrl = `http://127.0.0.1:${(docs.address() as { port: number }).port}`;
  });
  after(async () => {
    docs?.close();
    await h?.close();
  });

  const samlBody = (over: Record<string, unknown> = {}) => ({
    name: 'Okta',
    connection_type: 'OktaSAML',
    organization_id: ORG,
    domains: ['example.com'],
    saml: { idp_metadata_xml: idpMetadataXml('https://idp.example.com/meta', 'https://idp.example.com/sso', idp.cert) },
    ...over,
  });

  test('creates a SAML connection from metadata XML as a draft, in the WorkOS wire shape', async () => {
    const r = await h.call(ENV, 'POST', '/connections', { body: samlBody() });
    assert.equal(r.status, 201, r.text);
    connectionSchema.strict().parse(r.body);
    assert.match(r.body.id, /^conn_[0-9A-Z]{26}$/);
    assert.equal(r.body.state, 'draft');
    assert.equal(r.body.status, 'unlinked', 'the legacy status beside state');
    assert.equal(r.body.connection_type, 'OktaSAML');
    assert.equal(r.body.organization_id, ORG);
    assert.deepEqual(r.body.domains.map((d: { object: string; domain: string }) => [d.object, d.domain]), [['connection_domain', 'example.com']]);
    const got = await h.call(ENV, 'GET', `/connections/${r.body.id}`);
    assert.deepEqual(got.body, r.body);
  });

  test('creates from a metadata URL and from entity ID, SSO URL and certificate', async () => {
    const byUrl = await h.call(ENV, 'POST', '/connections', { body: samlBody({ saml: { idp_metadata_url: `${docsUrl}/metadata` } }) });
    assert.equal(byUrl.status, 201, byUrl.text);
    const manual = await h.call(ENV, 'POST', '/connections', {
      body: samlBody({ domains: [], saml: { idp_entity_id: 'https://idp.example.com/x', idp_sso_url: 'https://idp.example.com/sso', idp_certificate: idp.cert } }),
    });
    assert.equal(manual.status, 201, manual.text);
  });

  test('refuses bad SAML settings with 422s that name the problem', async () => {
    const cases: unknown[] = [
      samlBody({ saml: { idp_metadata_xml: '<not-metadata/>' } }),
      samlBody({ saml: { idp_metadata_xml: 'garbage <<' } }),
      samlBody({ saml: { idp_entity_id: 'x', idp_sso_url: 'https://idp.example.com/sso', idp_certificate: 'not a cert' } }),
      samlBody({ saml: { idp_entity_id: 'x' } }),
      samlBody({ saml: {} }),
      samlBody({ saml: { idp_metadata_xml: 'x', idp_metadata_url: 'https://a.example.com' } }),
      samlBody({ connection_type: 'Nope' }),
      samlBody({ connection_type: 'GenericOIDC' }),
      samlBody({ saml: { idp_metadata_xml: idpMetadataXml('e', 'https://i.example.com/sso', idp.cert), allow_idp_initiated: true } }),
      // The SSO URL the metadata names is where browsers are sent: http(s) only, bounded.
      samlBody({ saml: { idp_metadata_xml: idpMetadataXml('e', 'javascript:alert(1)', idp.cert) } }),
      samlBody({ saml: { idp_metadata_xml: idpMetadataXml('e', `https://i.example.com/${'a'.repeat(2048)}`, idp.cert) } }),
      { ...samlBody(), name: '' },
      { ...samlBody(), organization_id: 'bogus' },
    ];
    for (const body of cases) {
      const r = await h.call(ENV, 'POST', '/connections', { body });
      assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 120)} → ${r.status} ${r.text}`);
      assert.equal(r.body.code, 'invalid_request_parameters');
    }
    const unreachable = await h.call(ENV, 'POST', '/connections', { body: samlBody({ saml: { idp_metadata_url: 'http://127.0.0.1:1/metadata' } }) });
    assert.equal(unreachable.status, 400, unreachable.text);
    // Outside the allow-list (loopback in tests), private, link-local and metadata addresses are refused before connecting.
    for (const internal of ['http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/metadata', 'http://[fd00::1]/metadata', 'http://0.0.0.0/metadata']) {
      const r = await h.call(ENV, 'POST', '/connections', { body: samlBody({ saml: { idp_metadata_url: internal } }) });
      assert.equal(r.status, 400, `${internal}: ${r.text}`);
      assert.equal(r.body.code, 'idp_url_not_allowed', internal);
    }
  });

  test('OAuth provider endpoint overrides the service will call are checked when saved', async () => {
    for (const [field, url] of [['token_url', 'http://169.254.169.254/token'], ['userinfo_url', 'http://10.0.0.8/userinfo']]) {
      const r = await h.call(ENV, 'POST', '/connections', { body: { name: 'Google', connection_type: 'GoogleOAuth', oauth: { client_id: 'g', client_secret: 's', [field]: url } } });
      assert.equal(r.status, 400, `${field}: ${r.text}`);
      assert.equal(r.body.code, 'idp_url_not_allowed');
    }
  });

  test('an organization that does not exist in the environment is a 404, and nothing is written', async () => {
    const before = await h.pool.query('SELECT count(*)::int AS n FROM connections');
    const r = await h.call(ENV, 'POST', '/connections', { body: samlBody({ organization_id: MISSING_ORG }) });
    assert.equal(r.status, 404, r.text);
    assert.equal(r.body.code, 'entity_not_found');
    assert.deepEqual((await h.pool.query('SELECT count(*)::int AS n FROM connections')).rows, before.rows);
  });

  test('an OIDC connection reads discovery, keeps only asymmetric algorithms and seals its client secret', async () => {
    const r = await h.call(ENV, 'POST', '/connections', {
      body: { name: 'Generic OIDC', connection_type: 'GenericOIDC', oidc: { discovery_url: `${docsUrl}/.well-known/openid-configuration`, client_id: 'abc', client_secret: 'the-client-secret' } },
    });
    assert.equal(r.status, 201, r.text);
    const { rows } = await h.pool.query('SELECT settings, sealed_secret FROM connections WHERE id = $1', [r.body.id]);
    assert.deepEqual(rows[0].settings.id_token_signing_alg_values, ['RS256']);
    assert.doesNotMatch(JSON.stringify(rows[0]), /the-client-secret/);
    const box = SecretBox.fromConfig(h.config.SECRET_ENCRYPTION_KEYS);
    assert.equal(box.openString(rows[0].sealed_secret, r.body.id), 'the-client-secret');
    assert.throws(() => box.openString(rows[0].sealed_secret, 'conn_other'));
  });

  test('a signing SAML connection gets its own SP key (sealed) and publishes the certificate in SP metadata', async () => {
    const r = await h.call(ENV, 'POST', '/connections', { body: samlBody({ saml: { idp_metadata_url: `${docsUrl}/metadata`, sign_requests: true } }) });
    assert.equal(r.status, 201, r.text);
    const sp = await h.call(ENV, 'GET', `/connections/${r.body.id}/sp_metadata`);
    assert.equal(sp.status, 200, sp.text);
    assert.equal(sp.body.acs_url, `${h.baseUrl}/sso/saml/acs/${r.body.id}`);
    assert.equal(sp.body.entity_id, `${h.baseUrl}/sso/saml/metadata/${r.body.id}`);
    assert.match(sp.body.signing_certificate, /BEGIN CERTIFICATE/);
    assert.match(sp.body.metadata_xml, /AssertionConsumerService/);
    assert.ok(sp.body.metadata_xml.includes(sp.body.signing_certificate.replace(/-----[A-Z ]+-----|\s+/g, '').slice(0, 40)));
    const { rows } = await h.pool.query('SELECT sealed_secret FROM connections WHERE id = $1', [r.body.id]);
    assert.doesNotMatch(rows[0].sealed_secret, /PRIVATE KEY/);
    // The unsigned public metadata URL (the SP entity ID) serves the same XML.
    const pub = await h.call(ENV, 'GET', `/sso/saml/metadata/${r.body.id}`, { auth: false });
    assert.equal(pub.status, 200);
    assert.equal(pub.text, sp.body.metadata_xml);
  });

  test('a signing connection may bring its own SP key pair; a certificate of another key is refused', async () => {
    const own = await newKeyPair('own-sp');
    const r = await h.call(ENV, 'POST', '/connections', { body: samlBody({ domains: [], saml: { idp_metadata_url: `${docsUrl}/metadata`, sign_requests: true, sp_private_key: own.privateKey, sp_certificate: own.cert } }) });
    assert.equal(r.status, 201, r.text);
    const sp = await h.call(ENV, 'GET', `/connections/${r.body.id}/sp_metadata`);
    assert.equal(sp.body.signing_certificate.replace(/\s+/g, ''), own.cert.replace(/\s+/g, ''));
    const mismatch = await h.call(ENV, 'POST', '/connections', { body: samlBody({ domains: [], saml: { idp_metadata_url: `${docsUrl}/metadata`, sign_requests: true, sp_private_key: own.privateKey, sp_certificate: idp.cert } }) });
    assert.equal(mismatch.status, 422, mismatch.text);
    assert.equal(mismatch.body.errors[0].code, 'key_certificate_mismatch');
    const half = await h.call(ENV, 'POST', '/connections', { body: samlBody({ domains: [], saml: { idp_metadata_url: `${docsUrl}/metadata`, sign_requests: true, sp_private_key: own.privateKey } }) });
    assert.equal(half.status, 422);
  });

  test('draft → active → inactive → active, each move with its event in the outbox; delete emits connection.deleted', async () => {
    const c = (await h.call(ENV, 'POST', '/connections', { body: samlBody({ domains: [] }) })).body;
    const active = (await h.call(ENV, 'POST', `/connections/${c.id}/activate`)).body;
    assert.deepEqual([active.state, active.status], ['active', 'linked']);
    assert.equal((await h.call(ENV, 'POST', `/connections/${c.id}/activate`)).body.state, 'active', 'idempotent');
    const inactive = (await h.call(ENV, 'POST', `/connections/${c.id}/deactivate`)).body;
    assert.deepEqual([inactive.state, inactive.status], ['inactive', 'unlinked']);
    assert.equal((await h.call(ENV, 'POST', `/connections/${c.id}/activate`)).body.state, 'active');
    assert.equal((await h.call(ENV, 'DELETE', `/connections/${c.id}`)).status, 204);
    assert.equal((await h.call(ENV, 'GET', `/connections/${c.id}`)).status, 404);
    assert.equal((await h.call(ENV, 'DELETE', `/connections/${c.id}`)).status, 404);
    const { rows } = await h.pool.query(`SELECT payload FROM outbox WHERE payload->'data'->>'id' = $1 ORDER BY seq`, [c.id]);
    assert.deepEqual(rows.map((r) => r.payload.event), ['connection.activated', 'connection.deactivated', 'connection.activated', 'connection.deleted']);
    assert.deepEqual(rows.map((r) => r.payload.data.status), ['linked', 'unlinked', 'linked', 'linked']);
    for (const r of rows) {
      connectionEventSchema.strict().parse(r.payload.data);
      assert.equal(r.payload.environment_id, ENV);
    }
  });

  test('lists with filters and keyset pagination, newest first', async () => {
    const env = newId('environment');
    const org = newId('org');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.call(env, 'POST', '/connections', { body: samlBody({ organization_id: org, domains: [`d${i}.example.com`] }) })).body.id);
    const oauth = await h.call(env, 'POST', '/connections', { body: { name: 'Google', connection_type: 'GoogleOAuth', oauth: { client_id: 'g', client_secret: 's' } } });
    assert.equal(oauth.status, 201, oauth.text);
    const all = await h.call(env, 'GET', '/connections?order=desc');
    assert.deepEqual(all.body.data.map((c: { id: string }) => c.id), [oauth.body.id, ...ids.slice().reverse()]);
    assert.deepEqual(all.body.list_metadata, { before: null, after: null });
    const byType = await h.call(env, 'GET', '/connections?connection_type=GoogleOAuth');
    assert.deepEqual(byType.body.data.map((c: { id: string }) => c.id), [oauth.body.id]);
    const byOrg = await h.call(env, 'GET', `/connections?organization_id=${org}`);
    assert.equal(byOrg.body.data.length, 3);
    const byDomain = await h.call(env, 'GET', '/connections?domain=D1.example.com');
    assert.deepEqual(byDomain.body.data.map((c: { id: string }) => c.id), [ids[1]]);
    const p1 = await h.call(env, 'GET', '/connections?limit=2');
    assert.equal(p1.body.data.length, 2);
    const p2 = await h.call(env, 'GET', `/connections?limit=2&after=${p1.body.list_metadata.after}`);
    assert.deepEqual(p2.body.data.map((c: { id: string }) => c.id), [ids[1], ids[0]]);
    assert.equal(p2.body.list_metadata.after, null);
    assert.equal((await h.call(env, 'GET', '/connections?limit=0')).status, 422);
  });

  test('another environment sees, changes and deletes nothing', async () => {
    const c = (await h.call(ENV, 'POST', '/connections', { body: samlBody({ domains: [] }) })).body;
    assert.equal((await h.call(OTHER, 'GET', `/connections/${c.id}`)).status, 404);
    assert.equal((await h.call(OTHER, 'DELETE', `/connections/${c.id}`)).status, 404);
    assert.equal((await h.call(OTHER, 'POST', `/connections/${c.id}/activate`)).status, 404);
    assert.equal((await h.call(OTHER, 'GET', `/connections/${c.id}/sp_metadata`)).status, 404);
    assert.deepEqual((await h.call(OTHER, 'GET', '/connections')).body.data, []);
    assert.equal((await h.call(ENV, 'GET', `/connections/${c.id}`)).body.state, 'draft');
  });

  test('unsigned requests to management routes are refused', async () => {
    assert.equal((await h.call(ENV, 'GET', '/connections', { auth: false })).status, 401);
    assert.equal((await h.call(ENV, 'GET', '/connections/conn_bogus')).status, 404);
  });
});
