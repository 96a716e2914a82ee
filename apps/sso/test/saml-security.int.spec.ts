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

  const connect = async (idp: TestSamlIdp, signAssertion: boolean) => {
    const r = await h.call(env, 'POST', '/connections', { body: { name: 'IdP', connection_type: 'GenericSAML', saml: { idp_metadata_xml: idp.metadataXml() }, activate: true } });
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

  test('an unknown connection in the ACS URL is a 400, not a 500', async () => {
    const r = await post(newId('conn'), 'PHg+');
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'connection_not_found');
  });
});
