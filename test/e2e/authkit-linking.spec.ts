import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationException, GenericServerException, OauthException, type AuthenticationResponse, type EventName } from '@workos-inc/node';
import { startSmtpSink, uniqueSuffix, waitFor, type SmtpSink } from '@wos/platform/testing';
import { TestOidcIdp, TestSamlIdp, Browser, type OidcIdp, type SamlIdp } from '../support/sso-peers';
import { expectSdkError, startE2e, waitForEvents, type E2e } from '../support/e2e-stack';

const APP = 'https://app.example.com/auth/callback';
const PASSWORD = 'a password long enough 1';
const CODE = /\b(\d{6})\b/;

/**
 * Identity linking and organization entry through AuthKit (security review C1, C2, M7, M11): an
 * environment-wide Google OAuth connection (oidc-provider standing in for Google), an
 * organization's SAML connection (the test SAML IdP), real SSO, organizations and SMTP.
 */
describe('AuthKit identity linking and organization entry', () => {
  let e: E2e;
  let smtp: SmtpSink;
  let google: OidcIdp;
  let saml: SamlIdp;
  let orgA: { id: string };
  let samlConnection: string;
  const tag = uniqueSuffix().toLowerCase();
  const um = () => e.workos.userManagement;
  const clientId = () => e.creds.client_id;

  before(async () => {
    smtp = await startSmtpSink();
    e = await startE2e({
      name: 'authkit_linking',
      portOffset: 1000,
      apps: ['organizations', 'events', 'identity', 'sso'],
      appEnv: { identity: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MAIL_FROM: 'AuthKit <auth@linking.test>' } },
    });
    await e.addRedirectUri(APP);
    google = await TestOidcIdp.start([{ client_id: 'wos-google', client_secret: 'google-secret', redirect_uris: [`${e.baseUrl}/sso/oidc/callback`] }]);
    const g = await e.http('POST', '/connections', {
      key: true,
      body: {
        name: 'Google',
        connection_type: 'GoogleOAuth',
        oauth: { client_id: 'wos-google', client_secret: 'google-secret', authorization_url: `${google.issuer}/auth`, token_url: `${google.issuer}/token`, userinfo_url: `${google.issuer}/me` },
        activate: true,
      },
    });
    assert.equal(g.status, 201, g.text);

    // Organization A signs its people in through its own SAML IdP and verified orga-<tag>.example.
    // It allows profiles from outside its domains, so SSO lets an outsider's profile through and
    // these tests exercise identity's own linking rules (SSO's default refusal of outsiders is
    // tested in sso.sdk.spec.ts).
    saml = await TestSamlIdp.start();
    orgA = await createOrganization({ name: `A ${tag}`, domain_data: [{ domain: `orga-${tag}.example`, state: 'verified' }], allow_profiles_outside_organization: true });
    const c = await e.http('POST', '/connections', { key: true, body: { name: 'A Okta', connection_type: 'OktaSAML', organization_id: orgA.id, saml: { idp_metadata_xml: saml.metadataXml() }, activate: true } });
    assert.equal(c.status, 201, c.text);
    samlConnection = (c.json as { id: string }).id;
    saml.trust(((await e.http('GET', `/connections/${samlConnection}/sp_metadata`, { key: true })).json as { metadata_xml: string }).metadata_xml);
  });
  after(async () => {
    await saml?.close();
    await google?.close();
    await e?.stop();
    await smtp?.close();
  });

  /** POST /organizations over HTTP: the SDK does not send our `domain_capture` extension. */
  async function createOrganization(body: Record<string, unknown>): Promise<{ id: string; domain_capture: boolean }> {
    const res = await e.http('POST', '/organizations', { key: true, body });
    assert.equal(res.status, 201, res.text);
    return res.json as { id: string; domain_capture: boolean };
  }

  /** Browser round trip through AuthKit and SSO; the AuthKit code the app receives. */
  async function codeFrom(url: string): Promise<string> {
    const result = await new Browser().browse(url, APP);
    assert.ok(result.landed, `did not land: ${result.status} ${result.body.slice(0, 300)} ${result.steps.join(' → ')}`);
    const code = result.landed.searchParams.get('code');
    assert.ok(code, `no code: ${result.landed}`);
    return code;
  }

  function googleCode(sub: string, claims: Record<string, unknown>, extra: { organizationId?: string } = {}): Promise<string> {
    google.user = { sub, claims };
    return codeFrom(um().getAuthorizationUrl({ provider: 'GoogleOAuth', redirectUri: APP, clientId: clientId(), ...extra }));
  }

  function samlCode(email: string): Promise<string> {
    saml.user = { nameId: email, attributes: { email, firstName: 'Sam', lastName: 'L' } };
    return codeFrom(um().getAuthorizationUrl({ connectionId: samlConnection, redirectUri: APP, clientId: clientId() }));
  }

  /** The exchange stops at email_verification_required; the code mailed to `email` finishes it. */
  async function exchangeWithEmailProof(code: string, email: string): Promise<AuthenticationResponse> {
    const mark = smtp.messages.length;
    const flow = await expectSdkError(um().authenticateWithCode({ code, clientId: clientId() }), AuthenticationException, 403);
    assert.equal(flow.code, 'email_verification_required');
    assert.equal((flow.rawData as { email?: string }).email, email);
    const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(email) && CODE.test(m.text), { from: mark, timeoutMs: 30_000 });
    const emailed = CODE.exec(mail.text)![1]!;
    return um().authenticateWithEmailVerification({ code: emailed, pendingAuthenticationToken: flow.pendingAuthenticationToken!, clientId: clientId() });
  }

  const membershipsOf = async (userId: string) => (await um().listOrganizationMemberships({ userId, statuses: ['active', 'inactive', 'pending'] })).data.map((m) => m.organizationId);

  test('C1: provider=GoogleOAuth with the organization_id of another organization grants no membership', async () => {
    const victim = await createOrganization({ name: `Victim ${tag}` });
    const email = `mallory-${tag}@gmail.example`;
    const auth = await exchangeWithEmailProof(await googleCode('g-mallory', { email, email_verified: false }, { organizationId: victim.id }), email);
    assert.equal(auth.user.email, email);
    assert.equal(auth.authenticationMethod, 'GoogleOAuth');
    assert.equal(auth.organizationId, undefined);
    assert.deepEqual(await membershipsOf(auth.user.id), []);
    assert.equal((await um().listOrganizationMemberships({ organizationId: victim.id })).data.length, 0);
  });

  test('domain capture: only an opted-in organization that VERIFIED the domain gains the OAuth user', async () => {
    const captured = await createOrganization({ name: `Capture ${tag}`, domain_capture: true, domain_data: [{ domain: `cap-${tag}.example`, state: 'verified' }] });
    const optedOut = await createOrganization({ name: `Opt-out ${tag}`, domain_data: [{ domain: `out-${tag}.example`, state: 'verified' }] });
    const unverified = await createOrganization({ name: `Pending ${tag}`, domain_capture: true, domain_data: [{ domain: `pend-${tag}.example`, state: 'pending' }] });
    assert.equal(captured.domain_capture, true);
    assert.equal(optedOut.domain_capture, false, 'domain capture is off by default');

    const capturedAuth = await exchangeWithEmailProof(await googleCode('g-cap', { email: `ann@cap-${tag}.example`, email_verified: false }), `ann@cap-${tag}.example`);
    assert.deepEqual(await membershipsOf(capturedAuth.user.id), [captured.id]);
    assert.equal(capturedAuth.organizationId, captured.id, 'the one membership scopes the session');
    for (const [sub, domain] of [['g-out', `out-${tag}.example`], ['g-pend', `pend-${tag}.example`]] as const) {
      const auth = await exchangeWithEmailProof(await googleCode(sub, { email: `bo@${domain}`, email_verified: false }), `bo@${domain}`);
      assert.deepEqual(await membershipsOf(auth.user.id), [], domain);
    }
    assert.equal((await um().listOrganizationMemberships({ organizationId: unverified.id })).data.length, 0);

    // The opt-in is an ordinary organization field: PUT turns it off, GET shows it.
    const off = await e.http('PUT', `/organizations/${captured.id}`, { key: true, body: { domain_capture: false } });
    assert.equal((off.json as { domain_capture: boolean }).domain_capture, false);
    assert.equal(((await e.http('GET', `/organizations/${captured.id}`, { key: true })).json as { domain_capture: boolean }).domain_capture, false);
  });

  test('a pending invitation to the OAuth user\'s address grants its membership, and is accepted', async () => {
    const org = await createOrganization({ name: `Inviting ${tag}` });
    const email = `invitee-${tag}@gmail.example`;
    const invitation = await um().sendInvitation({ email, organizationId: org.id, roleSlug: 'admin' });
    await smtp.waitForMail((m) => m.envelopeTo.includes(email), { timeoutMs: 30_000 });
    const auth = await exchangeWithEmailProof(await googleCode('g-invitee', { email, email_verified: false }), email);
    const [m] = (await um().listOrganizationMemberships({ userId: auth.user.id })).data;
    assert.equal(m?.organizationId, org.id);
    assert.equal(m?.role.slug, 'admin');
    const accepted = await um().getInvitation(invitation.id);
    assert.equal(accepted.state, 'accepted');
    assert.equal(accepted.acceptedUserId, auth.user.id);
  });

  test('C2a: an OAuth provider asserting an existing user\'s unverified email gets only the emailed-code step; the code links the identity', async () => {
    const email = `victim-${tag}@corp.example`;
    const victim = await um().createUser({ email, password: PASSWORD, emailVerified: true });
    const mark = smtp.messages.length;
    const code = await googleCode('g-noauth', { email, email_verified: false });
    const flow = await expectSdkError(um().authenticateWithCode({ code, clientId: clientId() }), AuthenticationException, 403);
    assert.equal(flow.code, 'email_verification_required');
    assert.deepEqual(await um().getUserIdentities(victim.id), [], 'nothing is linked before the code');
    assert.equal((await um().listSessions(victim.id)).data.length, 0, 'no session for the victim');

    // Whoever reads the victim's inbox (the victim) finishes it: the identity is linked.
    const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(email), { from: mark, timeoutMs: 30_000 });
    const auth = await um().authenticateWithEmailVerification({ code: /\b(\d{6})\b/.exec(mail.text)![1]!, pendingAuthenticationToken: flow.pendingAuthenticationToken!, clientId: clientId() });
    assert.equal(auth.user.id, victim.id);
    assert.deepEqual(await um().getUserIdentities(victim.id), [{ idpId: 'g-noauth', type: 'OAuth', provider: 'GoogleOAuth' }]);

    // A linked identity signs in its user whatever email the provider asserts next.
    const again = await um().authenticateWithCode({ code: await googleCode('g-noauth', { email: `renamed-${tag}@elsewhere.example`, email_verified: false }), clientId: clientId() });
    assert.equal(again.user.id, victim.id);
    assert.equal(again.user.email, email);
  });

  // Needs the SSO service to pass the provider's email_verified through (task B's profile field).
  test('linking rule (b): an OAuth provider that verified the email links to the existing user at once (needs SSO to pass email_verified)', async () => {
    const email = `verified-${tag}@corp.example`;
    const user = await um().createUser({ email, password: PASSWORD });
    const auth = await um().authenticateWithCode({ code: await googleCode('g-verified', { email, email_verified: true }), clientId: clientId() });
    assert.equal(auth.user.id, user.id);
    assert.equal(auth.user.emailVerified, true);
    assert.deepEqual(await um().getUserIdentities(user.id), [{ idpId: 'g-verified', type: 'OAuth', provider: 'GoogleOAuth' }]);
  });

  /** PATCH /user_management/authkit/settings (our extension) for the test environment. */
  async function setSettings(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await e.http('PATCH', '/user_management/authkit/settings', { key: true, body });
    return { status: res.status, json: res.json as Record<string, unknown> };
  }

  test('C2: with the environment\'s link_oauth_verified_email off, a provider-verified email of an existing user gets the emailed-code step; the code links', async () => {
    const email = `strict-${tag}@corp.example`;
    const user = await um().createUser({ email, password: PASSWORD, emailVerified: true });
    assert.equal(((await e.http('GET', '/user_management/authkit/settings', { key: true })).json as { link_oauth_verified_email: boolean }).link_oauth_verified_email, true, 'on by default');
    const off = await setSettings({ link_oauth_verified_email: false });
    assert.equal(off.status, 200, JSON.stringify(off.json));
    assert.equal(off.json.link_oauth_verified_email, false);
    try {
      const mark = smtp.messages.length;
      const code = await googleCode('g-strict', { email, email_verified: true });
      const flow = await expectSdkError(um().authenticateWithCode({ code, clientId: clientId() }), AuthenticationException, 403);
      assert.equal(flow.code, 'email_verification_required');
      assert.deepEqual(await um().getUserIdentities(user.id), [], 'the provider\'s word links nothing');
      assert.equal((await um().listSessions(user.id)).data.length, 0);

      const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(email) && CODE.test(m.text), { from: mark, timeoutMs: 30_000 });
      const auth = await um().authenticateWithEmailVerification({ code: CODE.exec(mail.text)![1]!, pendingAuthenticationToken: flow.pendingAuthenticationToken!, clientId: clientId() });
      assert.equal(auth.user.id, user.id);
      assert.deepEqual(await um().getUserIdentities(user.id), [{ idpId: 'g-strict', type: 'OAuth', provider: 'GoogleOAuth' }]);
    } finally {
      assert.equal((await setSettings({ link_oauth_verified_email: true })).json.link_oauth_verified_email, true);
    }
  });

  test('the linking setting refuses what is not a boolean with a 422 and keeps its value', async () => {
    for (const body of [{ link_oauth_verified_email: 'false' }, { link_oauth_verified_email: null }, { link_oauth_verified_email: 0 }, { link_oauth_verified: false }]) {
      const res = await setSettings(body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.ok(Array.isArray(res.json.errors), JSON.stringify(res.json));
    }
    assert.equal(((await e.http('GET', '/user_management/authkit/settings', { key: true })).json as { link_oauth_verified_email: boolean }).link_oauth_verified_email, true);
    const raw = await e.http('PATCH', '/user_management/authkit/settings', { key: true, body: '{"link_oauth_verified_email":', headers: { 'content-type': 'application/json' } });
    assert.ok(raw.status >= 400 && raw.status < 500, `${raw.status} ${raw.text}`);
  });

  test('C2b: organization A\'s IdP asserting an organization B user\'s email does not reach that user', async () => {
    const orgB = await createOrganization({ name: `B ${tag}`, domain_data: [{ domain: `orgb-${tag}.example`, state: 'verified' }] });
    const email = `admin@orgb-${tag}.example`;
    const bob = await um().createUser({ email, password: PASSWORD, emailVerified: true });
    await um().createOrganizationMembership({ organizationId: orgB.id, userId: bob.id });

    const flow = await expectSdkError(um().authenticateWithCode({ code: await samlCode(email), clientId: clientId() }), AuthenticationException, 403);
    assert.equal(flow.code, 'email_verification_required');
    assert.deepEqual(await membershipsOf(bob.id), [orgB.id], 'no organization A membership for the victim');
    assert.equal((await um().listSessions(bob.id)).data.length, 0, 'no session for the victim');
  });

  test('C2b: a session through organization A\'s SSO cannot switch into B; a membership granted by SSO needs that SSO', async () => {
    const orgB = await createOrganization({ name: `B2 ${tag}` });
    const email = `carol@orga-${tag}.example`;
    // orga-<tag>.example is A's verified domain: A's IdP is trusted for it, so the sign-in links at once.
    const viaA = await um().authenticateWithCode({ code: await samlCode(email), clientId: clientId() });
    assert.equal(viaA.organizationId, orgA.id);
    await um().createOrganizationMembership({ organizationId: orgB.id, userId: viaA.user.id });

    const refused = await expectSdkError(um().authenticateWithRefreshToken({ clientId: clientId(), refreshToken: viaA.refreshToken, organizationId: orgB.id }), OauthException, 400);
    assert.equal(refused.error, 'invalid_grant');
    const stay = await um().authenticateWithRefreshToken({ clientId: clientId(), refreshToken: viaA.refreshToken, organizationId: orgA.id });
    assert.equal(stay.organizationId, orgA.id, 'a refused switch leaves the token valid; staying in A works');

    // A password session may enter B (granted through the API) but not A (granted by A's SSO).
    await um().updateUser({ userId: viaA.user.id, password: PASSWORD });
    const select = await expectSdkError(um().authenticateWithPassword({ clientId: clientId(), email, password: PASSWORD }), AuthenticationException, 403);
    assert.equal(select.code, 'organization_selection_required');
    const inB = await um().authenticateWithOrganizationSelection({ clientId: clientId(), organizationId: orgB.id, pendingAuthenticationToken: select.pendingAuthenticationToken! });
    assert.equal(inB.organizationId, orgB.id);
    const ssoRequired = await expectSdkError(um().authenticateWithRefreshToken({ clientId: clientId(), refreshToken: inB.refreshToken, organizationId: orgA.id }), AuthenticationException, 403);
    assert.equal(ssoRequired.code, 'sso_required');
    assert.deepEqual((ssoRequired.rawData as { connection_ids?: string[] }).connection_ids, [samlConnection]);
  });

  test('M11: one invitation token presented at once by several accounts yields one acceptance and one membership', async () => {
    const org = await createOrganization({ name: `Race ${tag}` });
    const invited = `race-${tag}@corp.example`;
    const others = Array.from({ length: 5 }, (_, i) => `racer${i}-${tag}@corp.example`);
    for (const email of [invited, ...others]) await um().createUser({ email, password: PASSWORD, emailVerified: true });
    const { token, id } = await um().sendInvitation({ email: invited, organizationId: org.id });

    const attempts = await Promise.allSettled([...others, invited, invited].map((email) => um().authenticateWithPassword({ clientId: clientId(), email, password: PASSWORD, invitationToken: token })));
    const won = attempts.filter((a): a is PromiseFulfilledResult<AuthenticationResponse> => a.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(attempts.map((a) => (a.status === 'rejected' ? (a.reason as Error).message : 'ok'))));
    assert.equal(won[0]!.value.user.email, invited);
    for (const a of attempts) if (a.status === 'rejected') assert.ok(a.reason instanceof GenericServerException && a.reason.status === 400, String(a.reason));
    const members = (await um().listOrganizationMemberships({ organizationId: org.id })).data;
    assert.deepEqual(members.map((m) => m.userId), [won[0]!.value.user.id]);
    assert.equal((await um().getInvitation(id)).acceptedUserId, won[0]!.value.user.id);
  });

  test('memberships carry the nested user on create, get, list, update, deactivate and reactivate', async () => {
    const org = await createOrganization({ name: `Nested ${tag}` });
    const user = await um().createUser({ email: `nested-${tag}@corp.example`, firstName: 'Nes', lastName: 'Ted' });
    const path = '/user_management/organization_memberships';
    const created = await e.http('POST', path, { key: true, body: { organization_id: org.id, user_id: user.id } });
    const id = (created.json as { id: string }).id;
    const answers = [
      created,
      await e.http('GET', `${path}/${id}`, { key: true }),
      await e.http('PUT', `${path}/${id}`, { key: true, body: { role_slug: 'admin' } }),
      await e.http('PUT', `${path}/${id}/deactivate`, { key: true, body: {} }),
      await e.http('PUT', `${path}/${id}/reactivate`, { key: true, body: {} }),
    ].map((r) => r.json as { user: Record<string, unknown> });
    const listed = (await e.http('GET', `${path}?organization_id=${org.id}`, { key: true })).json as { data: { user: Record<string, unknown> }[] };
    for (const body of [...answers, ...listed.data]) {
      assert.equal(body.user.object, 'user');
      assert.equal(body.user.id, user.id);
      assert.equal(body.user.email, user.email);
      assert.equal(body.user.first_name, 'Nes');
    }
  });

  test('M7: organization.deleted removes the organization\'s memberships and revokes its sessions; refreshing into it fails', async () => {
    const doomed = await createOrganization({ name: `Doomed ${tag}` });
    const kept = await createOrganization({ name: `Kept ${tag}` });
    const email = `leaver-${tag}@corp.example`;
    const user = await um().createUser({ email, password: PASSWORD, emailVerified: true });
    const m1 = await um().createOrganizationMembership({ organizationId: doomed.id, userId: user.id });
    const scoped = await um().authenticateWithPassword({ clientId: clientId(), email, password: PASSWORD });
    assert.equal(scoped.organizationId, doomed.id);
    await um().createOrganizationMembership({ organizationId: kept.id, userId: user.id });
    const select = await expectSdkError(um().authenticateWithPassword({ clientId: clientId(), email, password: PASSWORD }), AuthenticationException, 403);
    const elsewhere = await um().authenticateWithOrganizationSelection({ clientId: clientId(), organizationId: kept.id, pendingAuthenticationToken: select.pendingAuthenticationToken! });

    await e.workos.organizations.deleteOrganization(doomed.id);
    const sessions = await waitFor(
      async () => {
        const list = (await um().listSessions(user.id)).data;
        return list.some((s) => s.status === 'revoked') ? list : undefined;
      },
      { timeoutMs: 60_000, message: 'the scoped session is revoked' },
    );
    assert.deepEqual(sessions.filter((s) => s.status === 'revoked').map((s) => s.organizationId), [doomed.id]);
    assert.deepEqual(sessions.filter((s) => s.status === 'active').map((s) => s.organizationId), [kept.id]);
    assert.deepEqual(await membershipsOf(user.id), [kept.id]);

    await expectSdkError(um().authenticateWithRefreshToken({ clientId: clientId(), refreshToken: scoped.refreshToken }), OauthException, 400);
    await expectSdkError(um().authenticateWithRefreshToken({ clientId: clientId(), refreshToken: elsewhere.refreshToken, organizationId: doomed.id }), OauthException, 400);
    await um().authenticateWithRefreshToken({ clientId: clientId(), refreshToken: elsewhere.refreshToken });

    const events = await waitForEvents(e.workos, ['organization_membership.deleted', 'session.revoked'] as EventName[], (all) =>
      all.some((x) => x.event === 'organization_membership.deleted' && (x.data as { id: string }).id === m1.id) && all.some((x) => x.event === 'session.revoked' && (x.data as { userId?: string }).userId === user.id),
    );
    assert.equal(events.filter((x) => (x.data as { id: string }).id === m1.id).length, 1);
  });
  test('sign-up policy: under invitation_only and waitlist a NEW OAuth user needs an invitation (or an approved waitlist entry); existing users sign in', async () => {
    const policy = async (sign_up_policy: string) => {
      const r = await e.http('PATCH', '/user_management/authkit/settings', { key: true, body: { sign_up_policy } });
      assert.equal(r.status, 200, r.text);
    };
    /** A Google sign-in the policy refuses: SSO's callback answers the WorkOS-shaped 403 (this client asks for no HTML), nothing is created. */
    const refused = async (sub: string, email: string, expectedPolicy: RegExp) => {
      google.user = { sub, claims: { email, email_verified: true } };
      const result = await new Browser().browse(um().getAuthorizationUrl({ provider: 'GoogleOAuth', redirectUri: APP, clientId: clientId() }), APP);
      assert.equal(result.landed, undefined, `a refused sign-up reached the app: ${result.steps.join(' → ')}`);
      assert.equal(result.status, 403, result.body);
      const body = JSON.parse(result.body) as { code: string; message: string };
      assert.equal(body.code, 'sign_up_restricted');
      assert.match(body.message, expectedPolicy);
      assert.equal((await um().listUsers({ email })).data.length, 0, `${email} was created`);
    };
    const signsIn = async (sub: string, email: string) => {
      const auth = await um().authenticateWithCode({ code: await googleCode(sub, { email, email_verified: true }), clientId: clientId() });
      assert.equal(auth.user.email, email);
      return auth;
    };
    // Known before the policy closed: one by API, one by an earlier Google sign-in (linked identity).
    const known = `known-${tag}@gmail.example`;
    await um().createUser({ email: known, emailVerified: true });
    const linked = `linked-${tag}@gmail.example`;
    await signsIn('g-policy-linked', linked);
    try {
      await policy('invitation_only');
      await refused('g-policy-stranger', `stranger-${tag}@gmail.example`, /invitation/);
      await signsIn('g-policy-known', known);
      await signsIn('g-policy-linked', linked);
      // An invitation to the address lets the new user in, and is accepted by the sign-in.
      const invitedEmail = `invited-policy-${tag}@gmail.example`;
      const org = await createOrganization({ name: `Policy ${tag}` });
      const invitation = await um().sendInvitation({ email: invitedEmail, organizationId: org.id });
      const invited = await signsIn('g-policy-invited', invitedEmail);
      assert.deepEqual(await membershipsOf(invited.user.id), [org.id]);
      assert.equal((await um().getInvitation(invitation.id)).state, 'accepted');

      await policy('waitlist');
      const waiting = `waiting-${tag}@gmail.example`;
      await refused('g-policy-waiting', waiting, /waitlist/);
      await signsIn('g-policy-known', known);
      // Joined but not approved: still refused; approved: the sign-in creates the user.
      const entry = await e.workos.userManagement.createWaitlistEntry('default', { email: waiting });
      await refused('g-policy-waiting', waiting, /waitlist/);
      await e.workos.userManagement.approveWaitlistEntry(entry.id);
      await signsIn('g-policy-waiting', waiting);

      // An organization's own SAML connection provisions its people whatever the policy (their IdP vouches).
      const employee = `new-hire-${tag}@orga-${tag}.example`;
      const auth = await um().authenticateWithCode({ code: await samlCode(employee), clientId: clientId() });
      assert.equal(auth.user.email, employee);
      assert.equal(auth.organizationId, orgA.id);
    } finally {
      await policy('open');
    }
  });
});
