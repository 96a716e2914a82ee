import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { newId, sha256Hex } from '@wos/platform';
import { startHarness, type Harness } from './support/harness';
import { TestSamlIdp, type ResponseOverrides } from './support/saml-idp';
import * as craft from './support/saml-craft';

const CLIENT = 'client_01HZZZZZZZZZZZZZZZZZZZZZZZ';
const APP = 'https://app.example.com/callback';

/**
 * Every refusal the issue lists, each with a response crafted from a real signed one: the ACS
 * answers 400 with the reason (never a 500, never a code) and records authentication.sso_failed.
 */
describe('SAML ACS security', () => {
  let h: Harness;
  const env = newId('environment');
  /** Signs the whole Response (samlify's default for our metadata). */
  let msgIdp: TestSamlIdp;
  /** Signs only the Assertion. */
  let asrtIdp: TestSamlIdp;
  let msgConn: string;
  let asrtConn: string;

  const connect = async (idp: TestSamlIdp, signAssertion: boolean, saml: Record<string, unknown> = {}) => {
    const r = await h.call(env, 'POST', '/connections', { body: { name: 'IdP', connection_type: 'GenericSAML', saml: { idp_metadata_xml: idp.metadataXml(), ...saml }, activate: true } });
    assert.equal(r.status, 201, r.text);
    idp.trust((await h.call(env, 'GET', `/connections/${r.body.id}/sp_metadata`)).body.metadata_xml, { signAssertion });
    return r.body.id as string;
  };
  /** Starts an SP-initiated sign-in and returns the AuthnRequest ID the IdP must answer. */
  const pendingRequest = async (conn: string): Promise<string> => {
    const r = await h.call(env, 'GET', `/sso/authorize?${new URLSearchParams({ client_id: CLIENT, redirect_uri: APP, response_type: 'code', connection: conn })}`, {
      auth: { authKind: 'public_client', clientId: CLIENT },
    });
    assert.equal(r.status, 302, r.text);
    const xml = inflateRawSync(Buffer.from(new URL(r.headers.get('location')!).searchParams.get('SAMLRequest')!, 'base64')).toString();
    return / ID="([^"]+)"/.exec(xml)![1]!;
  };
  const post = (conn: string, samlResponse: string) => h.call(env, 'POST', `/sso/saml/acs/${conn}`, { auth: false, form: { SAMLResponse: samlResponse } });
  const signed = async (idp: TestSamlIdp, conn: string, o: ResponseOverrides = {}) => {
    idp.user = { nameId: 'victim@example.com', attributes: { email: 'victim@example.com' } };
    return idp.respond({ inResponseTo: await pendingRequest(conn), ...o });
  };
  const expectRefused = async (conn: string, samlResponse: string, reason: string | RegExp) => {
    const before = (await h.failureReasons(env)).length;
    const r = await post(conn, samlResponse);
    assert.equal(r.status, 400, `expected a 400 refusal, got ${r.status} ${r.text}`);
    assert.equal(r.headers.get('location'), null, 'no code is issued');
    assert.match(r.body.code, reason instanceof RegExp ? reason : new RegExp(`^${reason}$`));
    assert.ok(r.body.message.length > 10, 'the user gets a clear message');
    const reasons = await h.failureReasons(env);
    assert.equal(reasons.length, before + 1, 'one authentication.sso_failed event per refusal');
    assert.equal(reasons.at(-1), r.body.code);
  };

  before(async () => {
    h = await startHarness('sso_saml_security');
    msgIdp = await TestSamlIdp.start();
    asrtIdp = await TestSamlIdp.start();
    msgConn = await connect(msgIdp, false);
    asrtConn = await connect(asrtIdp, true);
  });
  after(async () => {
    await msgIdp?.close();
    await asrtIdp?.close();
    await h?.close();
  });

  test('the untampered responses are accepted (both signing styles), so each refusal below is the tampering', async () => {
    for (const [idp, conn] of [[msgIdp, msgConn], [asrtIdp, asrtConn]] as const) {
      const r = await post(conn, await signed(idp, conn));
      assert.equal(r.status, 302, r.text);
      assert.ok(new URL(r.headers.get('location')!).searchParams.get('code'));
    }
  });

  test('unsigned responses', async () => {
    await expectRefused(msgConn, craft.encode(craft.stripSignatures(craft.decode(await signed(msgIdp, msgConn)))), 'invalid_signature');
    await expectRefused(asrtConn, craft.encode(craft.stripSignatures(craft.decode(await signed(asrtIdp, asrtConn)))), 'invalid_signature');
  });

  test('partly signed: a signed value edited after signing', async () => {
    await expectRefused(msgConn, craft.encode(craft.editedAfterSigning(craft.decode(await signed(msgIdp, msgConn)))), 'invalid_signature');
    await expectRefused(asrtConn, craft.encode(craft.editedAfterSigning(craft.decode(await signed(asrtIdp, asrtConn)))), 'invalid_signature');
  });

  test('signature wrapping: evil assertion beside, signed one inside the evil one, signed one in Extensions, signature moved', async () => {
    for (const [idp, conn] of [[msgIdp, msgConn], [asrtIdp, asrtConn]] as const) {
      await expectRefused(conn, craft.encode(craft.evilBeside(craft.decode(await signed(idp, conn)))), 'multiple_assertions');
      await expectRefused(conn, craft.encode(craft.evilWrapsSigned(craft.decode(await signed(idp, conn)))), 'multiple_assertions');
      await expectRefused(conn, craft.encode(craft.signedInExtensions(craft.decode(await signed(idp, conn)))), 'multiple_assertions');
    }
    await expectRefused(asrtConn, craft.encode(craft.signatureMovedToResponse(craft.decode(await signed(asrtIdp, asrtConn)))), 'invalid_signature');
  });

  test('comment injection in the NameID, multiple roots, a DOCTYPE, and garbage', async () => {
    const withComment = craft.commentInNameId(craft.decode(await signed(asrtIdp, asrtConn)));
    await expectRefused(asrtConn, craft.encode(withComment), 'malformed_response');
    await expectRefused(msgConn, craft.encode(craft.secondRoot(craft.decode(await signed(msgIdp, msgConn)))), 'malformed_response');
    await expectRefused(msgConn, craft.encode(craft.withDoctype(craft.decode(await signed(msgIdp, msgConn)))), 'malformed_response');
    await expectRefused(msgConn, 'not base64 at all!', 'malformed_response');
    await expectRefused(msgConn, craft.encode('<x/>'), 'malformed_response');
  });

  test('wrong audience, recipient, destination and issuer', async () => {
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { audience: 'https://someone-else.example/sp' }), 'audience_mismatch');
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { recipient: 'https://someone-else.example/acs' }), 'recipient_mismatch');
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { destination: 'https://someone-else.example/acs' }), 'destination_mismatch');
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { issuer: 'https://impostor.example/idp' }), 'issuer_mismatch');
  });

  test('expired or not yet valid beyond the clock skew; within the skew is accepted', async () => {
    const skewMs = h.config.SSO_CLOCK_SKEW_SECONDS * 1000;
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { notOnOrAfter: new Date(Date.now() - skewMs - 60_000) }), 'assertion_expired');
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { notBefore: new Date(Date.now() + skewMs + 60_000) }), 'assertion_not_yet_valid');
    const justExpired = await post(asrtConn, await signed(asrtIdp, asrtConn, { notOnOrAfter: new Date(Date.now() - skewMs / 3) }));
    assert.equal(justExpired.status, 302, justExpired.text);
  });

  test('a replayed assertion ID is refused until it expires (Redis)', async () => {
    const response = await signed(asrtIdp, asrtConn, { assertionId: '_replay-until-expiry' });
    assert.equal((await post(asrtConn, response)).status, 302);
    await expectRefused(asrtConn, response, 'assertion_replayed');
    const ttl = await h.redis.pttl(`sso:assertion:${asrtConn}:${sha256Hex('_replay-until-expiry')}`);
    assert.ok(ttl > 0 && ttl <= 5 * 60_000 + h.config.SSO_CLOCK_SKEW_SECONDS * 1000 + 1000, `ttl ${ttl}`);
  });

  test('M1: the bearer SubjectConfirmationData window is enforced even while Conditions are still valid', async () => {
    const skewMs = h.config.SSO_CLOCK_SKEW_SECONDS * 1000;
    const hour = new Date(Date.now() + 60 * 60_000);
    // Entra/ADFS style: confirmation valid for minutes, Conditions for an hour; presented after the confirmation expired.
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { notOnOrAfter: hour, subjectNotOnOrAfter: new Date(Date.now() - skewMs - 60_000) }), 'assertion_expired');
    await expectRefused(msgConn, await signed(msgIdp, msgConn, { notOnOrAfter: hour, subjectNotOnOrAfter: new Date(Date.now() - skewMs - 60_000) }), 'assertion_expired');
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { subjectNotBefore: new Date(Date.now() + skewMs + 60_000) }), 'assertion_not_yet_valid');
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { subjectNotOnOrAfter: null }), 'malformed_response');
    const withinSkew = await post(asrtConn, await signed(asrtIdp, asrtConn, { notOnOrAfter: hour, subjectNotOnOrAfter: new Date(Date.now() - skewMs / 3) }));
    assert.equal(withinSkew.status, 302, withinSkew.text);
  });

  test('M1: the replay mark lasts until the latest bound in the assertion, so a replay after the confirmation expired is still refused', async () => {
    const skewMs = h.config.SSO_CLOCK_SKEW_SECONDS * 1000;
    const conditionsEnd = Date.now() + 60 * 60_000;
    // The confirmation is already past its NotOnOrAfter (within the skew), Conditions run for an hour.
    const response = await signed(asrtIdp, asrtConn, { assertionId: '_two-bounds', notOnOrAfter: new Date(conditionsEnd), subjectNotOnOrAfter: new Date(Date.now() - skewMs / 2) });
    assert.equal((await post(asrtConn, response)).status, 302);
    const ttl = await h.redis.pttl(`sso:assertion:${asrtConn}:${sha256Hex('_two-bounds')}`);
    // Kept until Conditions end (+ skew), not until the confirmation's bound (+ skew), which has nearly passed.
    assert.ok(ttl > conditionsEnd - Date.now(), `the replay mark lives ${ttl} ms`);
    assert.ok(ttl <= conditionsEnd + skewMs - Date.now() + 1000, `the replay mark lives ${ttl} ms`);
    await expectRefused(asrtConn, response, /^(assertion_replayed|assertion_expired)$/);
  });

  test('InResponseTo must name a pending request of this connection', async () => {
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { inResponseTo: '_never-issued' }), 'in_response_to_mismatch');
    const othersRequest = await pendingRequest(msgConn);
    await expectRefused(asrtConn, await signed(asrtIdp, asrtConn, { inResponseTo: othersRequest }), 'in_response_to_mismatch');
    // A request is answered once: the same InResponseTo with a fresh assertion is refused.
    const id = await pendingRequest(asrtConn);
    assert.equal((await post(asrtConn, await asrtIdp.respond({ inResponseTo: id }))).status, 302);
    await expectRefused(asrtConn, await asrtIdp.respond({ inResponseTo: id }), 'in_response_to_mismatch');
  });

  test('a response signed with another key (same entity ID) is refused', async () => {
    const impostor = await TestSamlIdp.start({ entityId: asrtIdp.entityId });
    try {
      impostor.trust((await h.call(env, 'GET', `/connections/${asrtConn}/sp_metadata`)).body.metadata_xml, { signAssertion: true });
      impostor.user = { nameId: 'victim@example.com', attributes: {} };
      await expectRefused(asrtConn, await impostor.respond({ inResponseTo: await pendingRequest(asrtConn) }), 'invalid_signature');
    } finally {
      await impostor.close();
    }
  });

  describe('encrypted assertions (saml.encrypt_assertions)', () => {
    const AES256_GCM = 'http://www.w3.org/2009/xmlenc11#aes256-gcm';
    /** Signs the assertion, then encrypts it with AES-256-GCM (Okta's and ADFS's order). */
    let encIdp: TestSamlIdp;
    /** Encrypts with AES-256-CBC, then signs the Response over the EncryptedAssertion. */
    let thenSignIdp: TestSamlIdp;
    /** encIdp's entity and key, encrypting nothing. */
    let plainTwin: TestSamlIdp;
    let encConn: string;
    let thenSignConn: string;
    let spMetadata: { signing_certificate: string | null; encryption_certificate: string | null; metadata_xml: string };

    before(async () => {
      encIdp = await TestSamlIdp.start({ encryption: { data: AES256_GCM } });
      thenSignIdp = await TestSamlIdp.start({ encryption: { thenSignResponse: true } });
      plainTwin = await TestSamlIdp.start({ keys: encIdp.keys, entityId: encIdp.entityId });
      encConn = await connect(encIdp, true, { encrypt_assertions: true });
      thenSignConn = await connect(thenSignIdp, false, { encrypt_assertions: true });
      spMetadata = (await h.call(env, 'GET', `/connections/${encConn}/sp_metadata`)).body;
      plainTwin.trust(spMetadata.metadata_xml, { signAssertion: true });
    });
    after(async () => {
      await encIdp?.close();
      await thenSignIdp?.close();
      await plainTwin?.close();
    });

    test('the SP metadata publishes our encryption certificate; assertions signed then encrypted, and responses signed over the encryption, sign in', async () => {
      assert.equal(spMetadata.signing_certificate, null);
      assert.match(spMetadata.encryption_certificate ?? '', /BEGIN CERTIFICATE/);
      assert.match(spMetadata.metadata_xml, /<KeyDescriptor use="encryption">/);
      assert.doesNotMatch(spMetadata.metadata_xml, /use="signing"/);
      const certificates = (await h.call(env, 'GET', `/connections/${encConn}/certificates`)).body as { data: { certificate_type: string }[] };
      assert.deepEqual(certificates.data.map((c) => c.certificate_type).sort(), ['ResponseEncryption', 'ResponseSigning']);
      for (const [idp, conn, data] of [[encIdp, encConn, 'aes256-gcm'], [thenSignIdp, thenSignConn, 'aes256-cbc']] as const) {
        const raw = craft.decode(await signed(idp, conn));
        assert.match(raw, /EncryptedAssertion/);
        assert.match(raw, new RegExp(`Algorithm="[^"]*#${data}"`));
        assert.doesNotMatch(raw, /victim@example\.com/, 'the subject crosses the browser encrypted');
        const r = await post(conn, craft.encode(raw));
        assert.equal(r.status, 302, r.text);
        assert.ok(new URL(r.headers.get('location')!).searchParams.get('code'));
      }
    });

    test('refused: a plaintext assertion, RSA PKCS#1 v1.5 or Triple DES, an encrypted assertion where none is expected, and tampered ciphertext (one reason, no oracle)', async () => {
      await expectRefused(encConn, await signed(plainTwin, encConn), 'assertion_not_encrypted');
      const encrypted = async () => craft.decode(await signed(encIdp, encConn));
      await expectRefused(encConn, craft.encode((await encrypted()).replace('#rsa-oaep-mgf1p', '#rsa-1_5')), 'unsupported_encryption_algorithm');
      await expectRefused(encConn, craft.encode((await encrypted()).replace('xmlenc11#aes256-gcm', 'xmlenc#tripledes-cbc')), 'unsupported_encryption_algorithm');
      // The same IdP on a connection that does not decrypt: nothing to open it with.
      const plainConn = await connect(plainTwin, true);
      await expectRefused(plainConn, craft.encode((await encrypted()).split(encConn).join(plainConn)), 'unexpected_encrypted_assertion');
      // A flipped byte in the data, or in the wrapped key: the same answer either way.
      const flip = (xml: string, which: 'first' | 'last') => {
        const values = [...xml.matchAll(/<(?:\w+:)?CipherValue>([^<]+)</g)];
        const m = which === 'first' ? values[0]! : values.at(-1)!;
        const bytes = Buffer.from(m[1]!, 'base64');
        bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
        const at = m.index! + m[0].indexOf(m[1]!);
        return xml.slice(0, at) + bytes.toString('base64') + xml.slice(at + m[1]!.length);
      };
      await expectRefused(encConn, craft.encode(flip(await encrypted(), 'last')), 'invalid_encrypted_assertion');
      await expectRefused(encConn, craft.encode(flip(await encrypted(), 'first')), 'invalid_encrypted_assertion');
    });
  });

  test('an unknown connection in the ACS URL is a 400, not a 500', async () => {
    const r = await post(newId('conn'), 'PHg+');
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'connection_not_found');
  });
});
