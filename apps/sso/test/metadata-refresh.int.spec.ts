import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { newId } from '@wos/platform';
import { CertificatesService } from '../src/certificates/certificates.service';
import { startHarness, type Harness } from './support/harness';
import { TestSamlIdp } from './support/saml-idp';

/**
 * A connection created from a metadata URL follows its IdP's certificate rollover and SSO URL:
 * the certificate scan reads the metadata again, adds what the IdP now publishes (with
 * connection.saml_certificate_renewed), sends sign-ins to the SSO URL it now names, and never
 * follows metadata that stopped naming the IdP.
 */
describe('IdP metadata refresh (the certificate scan)', () => {
  let h: Harness;
  const env = newId('environment');
  let before_: TestSamlIdp;
  /** The same IdP entity after its rollover: a new signing key. */
  let after_: TestSamlIdp;
  let elsewhere: TestSamlIdp;
  let docs: Server;
  /** What the IdP's metadata URL answers (null: a 500). */
  let served: string | null;
  let conn: string;

  const scan = () => h.app.get(CertificatesService).scan();
  const post = (samlResponse: string) => h.call(env, 'POST', `/sso/saml/acs/${conn}`, { auth: false, form: { SAMLResponse: samlResponse } });
  const idpInitiated = async (idp: TestSamlIdp) => {
    idp.user = { nameId: 'jo@example.com', attributes: { email: 'jo@example.com' } };
    return post(await idp.respond({ inResponseTo: null }));
  };
  const certificates = async () => ((await h.call(env, 'GET', `/connections/${conn}/certificates`)).body as { data: { certificate_type: string; fingerprint: string }[] }).data.filter((c) => c.certificate_type === 'ResponseSigning');
  const CLIENT = 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ';
  /** Where an SP-initiated sign-in sends the browser (the AuthnRequest's destination, without its query). */
  const ssoDestination = async () => {
    const r = await h.call(env, 'GET', `/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: 'https://app.example.com/callback', response_type: 'code', connection: conn })}`, {
      auth: { authKind: 'public_client', clientId: CLIENT },
    });
    assert.equal(r.status, 302, r.text);
    const u = new URL(r.headers.get('location')!);
    return `${u.origin}${u.pathname}`;
  };
  const renewals = async () =>
    (await h.pool.query(`SELECT 1 FROM outbox WHERE payload->>'event' = 'connection.saml_certificate_renewed' AND payload->>'environment_id' = $1`, [env])).rowCount;

  before(async () => {
    h = await startHarness('sso_metadata_refresh');
    before_ = await TestSamlIdp.start();
    after_ = await TestSamlIdp.start({ entityId: before_.entityId });
    elsewhere = await TestSamlIdp.start();
    served = before_.metadataXml();
    docs = createServer((req, res) => {
      if (req.url !== '/metadata' || served === null) return void ((res.statusCode = req.url === '/metadata' ? 500 : 404), res.end('no'));
      res.end(served);
    });
    await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
    const created = await h.call(env, 'POST', '/connections', {
      body: {
        name: 'Entra',
        connection_type: 'AzureSAML',
        saml: { idp_metadata_url: `http://127.0.0.1:${(docs.address() as { port: number }).port}/metadata`, allow_idp_initiated: true, idp_initiated_redirect_uri: 'https://app.example.com/callback' },
        activate: true,
      },
    });
    assert.equal(created.status, 201, created.text);
    conn = created.body.id;
    const spMetadata = (await h.call(env, 'GET', `/connections/${conn}/sp_metadata`)).body.metadata_xml as string;
    for (const idp of [before_, after_, elsewhere]) idp.trust(spMetadata);
  });
  after(async () => {
    for (const idp of [before_, after_, elsewhere]) await idp?.close();
    docs?.close();
    await h?.close();
  });

  test('the rollover the metadata publishes is trusted after a scan, beside the old certificate, announced once; sign-ins follow its SSO URL', async () => {
    assert.equal((await idpInitiated(before_)).status, 302);
    assert.equal(await ssoDestination(), before_.ssoUrl);
    assert.equal((await idpInitiated(after_)).body.code, 'invalid_signature', 'the new key is not trusted before the scan');
    assert.equal((await certificates()).length, 1);

    served = after_.metadataXml();
    await scan();
    assert.equal((await idpInitiated(after_)).status, 302, 'the new key signs in after the scan');
    assert.equal((await idpInitiated(before_)).status, 302, 'the old, live certificate stays');
    assert.equal((await certificates()).length, 2);
    assert.equal(await renewals(), 1);
    assert.notEqual(after_.ssoUrl, before_.ssoUrl);
    assert.equal(await ssoDestination(), after_.ssoUrl, "SP-initiated sign-ins go to the SSO URL the metadata now names");

    await scan();
    assert.equal(await renewals(), 1, 'an unchanged metadata document changes nothing');
    assert.equal((await certificates()).length, 2);
  });

  test('metadata that names another entity, or an IdP that does not answer, changes nothing', async () => {
    const held = (await certificates()).map((c) => c.fingerprint);
    served = elsewhere.metadataXml();
    await scan();
    served = null;
    await scan();
    assert.deepEqual((await certificates()).map((c) => c.fingerprint), held);
    assert.equal(await ssoDestination(), after_.ssoUrl, "the other entity's SSO URL was not taken");
    assert.equal((await idpInitiated(elsewhere)).body.code, 'invalid_signature', "the other entity's key was not taken");
    assert.equal(await renewals(), 1);
  });
});
