import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { GenericServerException, NotFoundException, OauthException, UnprocessableEntityException, type WorkOS } from '@workos-inc/node';
import { startSmtpSink, uniqueSuffix, type SmtpSink } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'quartz Lantern hums 93 times';
type Json = Record<string, any>;

describe('Agents through the WorkOS SDK', () => {
  let e: E2e;
  let other: WorkOS;
  let orgId: string;
  let jose: typeof import('jose', { with: { 'resolution-mode': 'import' } });
  const tag = uniqueSuffix();
  const settings = { maxAgeSeconds: 3600, accessTokenTtlSeconds: 300, refreshTokenTtlSeconds: 1800 };

  let smtp: SmtpSink;
  let browser: Browser;
  let db: Client;
  let otherClientId: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run tools/ensure-chromium.sh`);
    jose = await import('jose');
    smtp = await startSmtpSink();
    e = await startE2e({ name: 'agents_sdk', portOffset: 22500, apps: ['organizations', 'events', 'identity'], appEnv: { identity: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), AGENT_CLAIM_MAX_FAILURES: '3', AGENT_EXPIRY_SWEEP_SECONDS: '1' } } });
    const otherEnv = await e.createEnvironment(`agents-other-${tag}`);
    other = e.client(otherEnv.api_key);
    otherClientId = otherEnv.client_id;
    orgId = (await e.workos.organizations.createOrganization({ name: `Agents ${tag}` })).id;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
    db = new Client({ connectionString: e.stack.databaseUrl('identity') });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await browser?.close();
    await e?.stop();
    await smtp?.close();
  });

  /** An agent with no API key: a public client of the environment. */
  const selfRegister = async (clientId = e.creds.client_id) => {
    const res = await e.http('POST', '/agent/auth', { body: { type: 'anonymous', requested_credential_type: 'api_key', client_id: clientId } });
    assert.equal(res.status, 200, res.text);
    return res.json as Json;
  };
  const startClaim = async (claimToken: string, email: string) => {
    const res = await e.http('POST', '/agent/auth/claim', { body: { claim_token: claimToken, email, client_id: e.creds.client_id } });
    assert.equal(res.status, 200, res.text);
    const from = smtp.messages.length;
    return { started: res.json as Json, from };
  };
  const claimLinkFor = async (email: string, notIn: string[] = []) => {
    const mail = await smtp.waitForMail((m) => m.envelopeTo.includes(email) && !notIn.some((u) => m.text.includes(u)), { from: 0 });
    return /(https?:\/\/\S+agent-claim\S+)/.exec(mail.text)![1]!;
  };
  const complete = (claimToken: string, userCode: string) => e.http('POST', '/agent/auth/claim/complete', { body: { claim_token: claimToken, user_code: userCode, client_id: e.creds.client_id } });
  const errorOf = (res: { status: number; json: unknown }) => [res.status, (res.json as Json).code];

  test('blueprints: create, get, list, update (partial), delete; bad input 422; other environment 404', async () => {
    const agents = e.workos.agents;
    const b = await agents.createBlueprint({ name: `Support bot ${tag}`, description: 'answers tickets', permissions: ['tickets:read'], sessionSettings: settings });
    assert.equal(b.object, 'agent_blueprint');
    assert.match(b.id, /^agent_blueprint_/);
    assert.deepEqual(b.invocableBy, { roleSlugs: [], organizationIds: [] });
    assert.deepEqual(b.sessionSettings, settings);
    assert.deepEqual(await agents.getBlueprint(b.id), b);
    const updated = await agents.updateBlueprint({ agentBlueprintId: b.id, permissions: ['tickets:read', 'tickets:write'], sessionSettings: { accessTokenTtlSeconds: 120 } });
    assert.deepEqual(updated.permissions, ['tickets:read', 'tickets:write']);
    assert.equal(updated.sessionSettings.accessTokenTtlSeconds, 120);
    assert.equal(updated.sessionSettings.maxAgeSeconds, 3600);
    assert.equal(updated.description, 'answers tickets');
    assert.ok((await agents.listBlueprints()).data.some((x) => x.id === b.id));
    await expectSdkError(agents.createBlueprint({ name: 'x', sessionSettings: { ...settings, accessTokenTtlSeconds: 1 } }), UnprocessableEntityException, 422);
    await expectSdkError(other.agents.getBlueprint(b.id), NotFoundException, 404);
    await agents.deleteBlueprint(b.id);
    await expectSdkError(agents.getBlueprint(b.id), NotFoundException, 404);
  });

  test('autonomous mint: JWT on the AuthKit keys that the SDK verifies; one instance per organization; refresh rotates; revoking the session ends validation', async () => {
    const agents = e.workos.agents;
    const b = await agents.createBlueprint({ name: `Nightly ${tag}`, permissions: ['reports:read'], sessionSettings: settings });
    const t = await agents.mintToken({ agentBlueprintId: b.id, type: 'autonomous', organizationId: orgId });
    assert.equal(t.tokenType, 'Bearer');
    assert.equal(t.newInstance, true);
    assert.deepEqual(t.permissions, ['reports:read']);
    assert.ok(t.expiresIn > 0 && t.expiresIn <= 300);
    const { payload } = await jose.jwtVerify(t.accessToken, jose.createRemoteJWKSet(new URL(`${e.baseUrl}/sso/jwks/${e.creds.client_id}`)), { audience: e.creds.client_id });
    assert.equal(payload.org_id, orgId);
    assert.equal(payload.scope, 'reports:read');
    assert.match(String(payload.sub), /^agent_reg_/);

    // The SDK verifies locally (JWKS, aud = its client ID), then asks about revocation.
    const local = await agents.validateCredential({ type: 'access_token', credential: t.accessToken });
    assert.equal(local.valid, true);
    assert.equal(local.registrationId, payload.sub);
    const checked = await agents.validateCredential({ type: 'access_token', credential: t.accessToken, checkForRevoked: true });
    assert.equal(checked.valid, true);
    assert.equal((await agents.validateCredential({ type: 'api_key', credential: 'sk_agent_nope' })).valid, false);

    const again = await agents.mintToken({ agentBlueprintId: b.id, type: 'autonomous', organizationId: orgId });
    assert.equal(again.newInstance, false);
    assert.equal(again.agentInstanceId, t.agentInstanceId);
    assert.notEqual(again.agentInstanceSessionId, t.agentInstanceSessionId);

    const instance = await agents.getInstance(t.agentInstanceId);
    assert.deepEqual([instance.object, instance.agentBlueprintId, instance.organizationId, instance.type], ['agent_instance', b.id, orgId, 'autonomous']);
    assert.deepEqual((await agents.listInstances({ agentBlueprintId: b.id })).data.map((i) => i.id), [t.agentInstanceId]);
    const registration = await agents.getRegistration(String(payload.sub));
    assert.equal(registration.organizationId, orgId);
    assert.equal(registration.status, 'verified', "the SDK's status: a minted registration is verified");
    assert.equal(registration.claim, null);
    assert.equal(registration.agentIdentity.id, t.agentInstanceId);

    const refreshed = await agents.mintToken({ agentBlueprintId: b.id, type: 'refresh', refreshToken: t.refreshToken });
    assert.equal(refreshed.agentInstanceSessionId, t.agentInstanceSessionId);
    assert.notEqual(refreshed.refreshToken, t.refreshToken);
    await expectSdkError(agents.mintToken({ agentBlueprintId: b.id, type: 'refresh', refreshToken: t.refreshToken }), OauthException, 400);

    const sessions = await agents.listInstanceSessions({ agentInstanceId: t.agentInstanceId });
    assert.equal(sessions.data.length, 2);
    const revoked = await agents.revokeInstanceSession(t.agentInstanceSessionId);
    assert.equal(revoked.status, 'revoked');
    assert.ok(revoked.revokedAt);
    assert.equal((await agents.getInstanceSession(t.agentInstanceSessionId)).status, 'revoked');
    assert.equal((await agents.validateCredential({ type: 'access_token', credential: refreshed.accessToken, checkForRevoked: true })).valid, false);
    await expectSdkError(agents.mintToken({ agentBlueprintId: b.id, type: 'refresh', refreshToken: refreshed.refreshToken }), OauthException, 400);
    assert.equal((await agents.validateCredential({ type: 'access_token', credential: again.accessToken, checkForRevoked: true })).valid, true, 'the other session lives');

    await agents.deleteInstance(t.agentInstanceId);
    assert.equal((await agents.validateCredential({ type: 'access_token', credential: again.accessToken, checkForRevoked: true })).valid, false);
    assert.equal((await agents.getRegistration(String(payload.sub))).status, 'revoked');
    await waitForEvents(e.workos, ['agent.registration.revoked' as never], (l) => l.some((ev) => (ev.data as unknown as { id: string }).id === payload.sub));
  });

  test('user_delegated and agent_delegated mints act for their principal; invocable_by limits organizations', async () => {
    const agents = e.workos.agents;
    const email = `agent-user-${tag}@example.com`;
    const password = `pw-${tag}-agents-long`;
    const user = await e.workos.userManagement.createUser({ email, password, emailVerified: true });
    await e.workos.userManagement.createOrganizationMembership({ userId: user.id, organizationId: orgId });
    const auth = await e.workos.userManagement.authenticateWithPassword({ email, password, clientId: e.creds.client_id, organizationId: orgId } as never);
    const b = await agents.createBlueprint({ name: `Assistant ${tag}`, permissions: ['docs:read'], sessionSettings: settings, invocableBy: { organizationIds: [orgId] } });
    const t = await agents.mintToken({ agentBlueprintId: b.id, type: 'user_delegated', userAccessToken: auth.accessToken });
    const claims = jose.decodeJwt(t.accessToken);
    assert.deepEqual(claims.act, { sub: user.id });
    assert.equal(claims.org_id, orgId);
    assert.equal((await agents.getInstance(t.agentInstanceId)).type, 'user_delegated');

    const child = await agents.mintToken({ agentBlueprintId: b.id, type: 'agent_delegated', agentAccessToken: t.accessToken });
    assert.deepEqual(jose.decodeJwt(child.accessToken).act, { sub: claims.sub });
    assert.notEqual(child.agentInstanceId, t.agentInstanceId);

    await expectSdkError(agents.mintToken({ agentBlueprintId: b.id, type: 'user_delegated', userAccessToken: `${auth.accessToken}x` }), OauthException, 400);
    const otherOrg = (await e.workos.organizations.createOrganization({ name: `Elsewhere ${tag}` })).id;
    await expectSdkError(agents.mintToken({ agentBlueprintId: b.id, type: 'autonomous', organizationId: otherOrg }), GenericServerException, 403);
    await expectSdkError(other.agents.mintToken({ agentBlueprintId: b.id, type: 'autonomous', organizationId: orgId }), NotFoundException, 404);
    await expectSdkError(agents.linkClaimAttemptToExternalUser({ claimAttemptToken: `cla_tkn_${'A'.repeat(43)}`, user: { email, externalId: 'x' } }), NotFoundException, 404);
    // Another environment's token never validates here (different keys), nor its sessions.
    assert.equal((await other.agents.validateCredential({ type: 'access_token', credential: t.accessToken, checkForRevoked: true })).valid, false);
    await expectSdkError(other.agents.getInstanceSession(t.agentInstanceSessionId), NotFoundException, 404);
  });

  test('self-register → claim on the hosted page with a real sign-in in Chromium → the API key validates; revoke → invalid', { timeout: 120_000 }, async () => {
    const agents = e.workos.agents;
    const reg = await selfRegister();
    assert.match(reg.registration_id, /^agent_reg_/);
    assert.equal(reg.registration_type, 'anonymous');
    assert.match(reg.credential, /^sk_agent_[A-Za-z0-9_-]{43}$/);
    assert.match(reg.claim_token, /^clm_[A-Za-z0-9_-]{43}$/);
    assert.ok(Date.parse(reg.claim_token_expires) > Date.now());

    // Unclaimed: valid key, but no organization and no user behind it.
    const before = await agents.validateCredential({ type: 'api_key', credential: reg.credential });
    assert.deepEqual([before.valid, before.registrationId, before.expiresAt], [true, reg.registration_id, reg.claim_token_expires]);
    const unclaimed = await agents.getRegistration(reg.registration_id);
    assert.deepEqual([unclaimed.status, unclaimed.kind, unclaimed.organizationId, unclaimed.agentIdentity.userlandUserId], ['unverified', 'anonymous', null, null]);
    assert.match(unclaimed.agentIdentity.id, /^agent_identity_/);
    assert.match(unclaimed.claim!.id, /^agent_reg_claim_/);
    assert.equal(unclaimed.claim!.claimCompletion, null);
    assert.equal(unclaimed.claim!.expiresAt, reg.claim_token_expires);

    const address = `claimer-${tag}@agents-e2e.test`;
    const user = await e.workos.userManagement.createUser({ email: address, password: PASSWORD, emailVerified: true });
    await e.workos.userManagement.createOrganizationMembership({ userId: user.id, organizationId: orgId });
    const { started } = await startClaim(reg.claim_token, address);
    assert.deepEqual([started.registration_id, started.status], [reg.registration_id, 'initiated']);
    assert.match(started.claim_attempt_id, /^agent_reg_claim_attempt_/);
    const link = await claimLinkFor(address);
    assert.ok(link.startsWith(`${e.baseUrl}/user_management/authorize/agent-claim?client_id=${e.creds.client_id}&claim_attempt_token=cla_tkn_`), link);
    // Before anyone signed in, no user code exists.
    assert.deepEqual(errorOf(await complete(reg.claim_token, 'BCDF-GHJK')), [400, 'user_code_not_issued']);

    const ctx = await browser.newContext({ locale: 'en-US' });
    let userCode: string;
    try {
      const page = await ctx.newPage();
      await page.goto(link);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.getByLabel('Email').fill(address);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.getByText(`You are signed in as ${address}`).waitFor();
      await page.getByRole('button', { name: 'Claim the agent' }).click();
      userCode = (await page.locator('[data-user-code]').textContent())!.trim();
    } finally {
      await ctx.close();
    }
    assert.match(userCode, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);

    const done = await complete(reg.claim_token, userCode.toLowerCase());
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(done.json, { registration_id: reg.registration_id, status: 'claimed', organization_id: orgId });
    assert.deepEqual(errorOf(await complete(reg.claim_token, userCode)), [409, 'previously_claimed'], 'a user code is spent once');

    const claimed = await agents.getRegistration(reg.registration_id);
    assert.deepEqual([claimed.status, claimed.organizationId, claimed.agentIdentity.userlandUserId], ['verified', orgId, user.id]);
    assert.equal(claimed.claim!.claimCompletion!.id, started.claim_attempt_id);
    assert.ok(claimed.claim!.claimCompletion!.claimedAt);
    const after = await agents.validateCredential({ type: 'api_key', credential: reg.credential });
    assert.deepEqual([after.valid, after.registrationId, after.expiresAt, after.claims], [true, reg.registration_id, null, null]);
    await waitForEvents(e.workos, ['agent.registration.claim.completed' as never], (l) => l.some((ev) => (ev.data as unknown as Json).id === reg.registration_id));

    // Another environment knows neither the key nor the registration.
    assert.equal((await other.agents.validateCredential({ type: 'api_key', credential: reg.credential })).valid, false);
    await expectSdkError(other.agents.getRegistration(reg.registration_id), NotFoundException, 404);
    assert.equal((await e.http('POST', `/agents/registrations/${reg.registration_id}/revoke`, { key: (await e.createEnvironment(`agents-third-${tag}`)).api_key })).status, 404);

    const revoked = await e.http('POST', `/agents/registrations/${reg.registration_id}/revoke`, { key: true });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal((revoked.json as Json).status, 'revoked');
    assert.equal((await agents.validateCredential({ type: 'api_key', credential: reg.credential })).valid, false);
    assert.equal((await agents.getRegistration(reg.registration_id)).status, 'revoked');
  });

  test('an unclaimed registration expires with its claim: its key stops validating, and agent.registration.expired is written once', { timeout: 60_000 }, async () => {
    const agents = e.workos.agents;
    const [expiring, claimed, revoked] = [await selfRegister(), await selfRegister(), await selfRegister()];
    assert.equal((await agents.validateCredential({ type: 'api_key', credential: expiring.credential })).valid, true);
    assert.equal((await e.http('POST', `/agents/registrations/${revoked.registration_id}/revoke`, { key: true })).status, 200);
    // Seven days pass for all three (the claim's expiry moved into the past); the claimed one was verified first.
    await db.query(`UPDATE agent_registrations SET status = 'verified' WHERE environment_id = $1 AND id = $2`, [e.creds.environment_id, claimed.registration_id]);
    await db.query(`UPDATE agent_registrations SET claim_expires_at = now() - interval '1 second' WHERE environment_id = $1 AND id = ANY($2)`, [
      e.creds.environment_id,
      [expiring.registration_id, claimed.registration_id, revoked.registration_id],
    ]);
    assert.equal((await agents.validateCredential({ type: 'api_key', credential: expiring.credential })).valid, false, 'the key stops at the expiry, not at the sweep');
    assert.equal((await agents.getRegistration(expiring.registration_id)).status, 'expired');
    const idOf = (ev: { data: unknown }) => (ev.data as Json).id as string;
    const events = await waitForEvents(e.workos, ['agent.registration.expired' as never], (l) => l.some((ev) => idOf(ev) === expiring.registration_id));
    const ours = events.filter((ev) => idOf(ev) === expiring.registration_id);
    assert.equal(ours.length, 1);
    assert.equal((ours[0]!.data as unknown as Json).status, 'expired');
    // A later sweep (it announces a marker registration expired after the first event): still one event.
    const marker = await selfRegister();
    await db.query(`UPDATE agent_registrations SET claim_expires_at = now() - interval '1 second' WHERE environment_id = $1 AND id = $2`, [e.creds.environment_id, marker.registration_id]);
    await waitForEvents(e.workos, ['agent.registration.expired' as never], (l) => l.some((ev) => idOf(ev) === marker.registration_id));
    const after = await waitForEvents(e.workos, ['agent.registration.expired' as never], () => true);
    assert.equal(after.filter((ev) => idOf(ev) === expiring.registration_id).length, 1);
    assert.ok(!after.some((ev) => [claimed.registration_id, revoked.registration_id].includes(idOf(ev))), 'only unclaimed, unrevoked registrations expire');
  });

  test('linkClaimAttemptToExternalUser through the SDK; wrong user codes lock the attempt; an expired code is refused; other environments and bad input', { timeout: 60_000 }, async () => {
    const agents = e.workos.agents;
    const reg = await selfRegister();
    const address = `external-${tag}@agents-e2e.test`;
    await startClaim(reg.claim_token, address);
    const token = new URL(await claimLinkFor(address)).searchParams.get('claim_attempt_token')!;

    await expectSdkError(other.agents.linkClaimAttemptToExternalUser({ claimAttemptToken: token, user: { email: address, externalId: `ext-${tag}` } }), NotFoundException, 404);
    await expectSdkError(agents.linkClaimAttemptToExternalUser({ claimAttemptToken: token, user: { email: 'not-an-email', externalId: 'x' } }), UnprocessableEntityException, 422);
    await expectSdkError(agents.linkClaimAttemptToExternalUser({ claimAttemptToken: token, user: { email: `someone-else-${tag}@agents-e2e.test`, externalId: `ext2-${tag}` } }), GenericServerException, 400);
    const linked = await agents.linkClaimAttemptToExternalUser({ claimAttemptToken: token, user: { email: address, externalId: `ext-${tag}` } });
    assert.equal(linked.id, reg.registration_id);
    assert.equal(linked.status, 'unverified');
    assert.match(linked.userCode, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.deepEqual(linked.organizations, [], 'a user created for the external ID belongs to no organization');
    const created = await e.workos.userManagement.getUserByExternalId(`ext-${tag}`);
    assert.equal(created.email, address);

    // AGENT_CLAIM_MAX_FAILURES=3 here: the third wrong code locks the attempt, and then even the right one fails.
    const wrong = linked.userCode === 'BCDF-GHJK' ? 'BCDF-GHJL' : 'BCDF-GHJK';
    assert.deepEqual(errorOf(await complete(reg.claim_token, wrong)), [401, 'user_code_invalid']);
    assert.deepEqual(errorOf(await complete(reg.claim_token, 'nonsense')), [401, 'user_code_invalid']);
    assert.deepEqual(errorOf(await complete(reg.claim_token, wrong)), [403, 'claim_attempt_locked']);
    assert.deepEqual(errorOf(await complete(reg.claim_token, linked.userCode)), [403, 'claim_attempt_locked']);
    await expectSdkError(agents.linkClaimAttemptToExternalUser({ claimAttemptToken: token, user: { email: address, externalId: `ext-${tag}` } }), GenericServerException, 403);
    assert.equal((await agents.getRegistration(reg.registration_id)).status, 'unverified');

    // A new attempt (a new email) supersedes the locked one; its user code expires.
    await startClaim(reg.claim_token, address);
    const second = new URL(await claimLinkFor(address, [token])).searchParams.get('claim_attempt_token')!;
    assert.notEqual(second, token);
    const relinked = await agents.linkClaimAttemptToExternalUser({ claimAttemptToken: second, user: { email: address, externalId: `ext-${tag}` } });
    await db.query(`UPDATE agent_claim_attempts SET user_code_expires_at = now() - interval '1 second' WHERE environment_id = $1 AND registration_id = $2 AND superseded_at IS NULL`, [e.creds.environment_id, reg.registration_id]);
    assert.deepEqual(errorOf(await complete(reg.claim_token, relinked.userCode)), [410, 'user_code_expired']);
    // Linking again issues a fresh code, which claims.
    const fresh = await agents.linkClaimAttemptToExternalUser({ claimAttemptToken: second, user: { email: address, externalId: `ext-${tag}` } });
    const done = await complete(reg.claim_token, fresh.userCode);
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(done.json, { registration_id: reg.registration_id, status: 'claimed', organization_id: null });
    assert.equal((await agents.getRegistration(reg.registration_id)).agentIdentity.userlandUserId, created.id);

    // Bad input is a 4xx with WorkOS's body, never a write.
    for (const body of [{}, { type: 'anonymous' }, { type: 'anonymous', requested_credential_type: 'api_key', client_id: 'x'.repeat(201) }, { type: 'robot', requested_credential_type: 'api_key', client_id: e.creds.client_id }]) {
      const res = await e.http('POST', '/agent/auth', { body: { client_id: e.creds.client_id, ...body } });
      assert.ok(res.status >= 400 && res.status < 500, res.text);
      assert.ok((res.json as Json).code && (res.json as Json).message, res.text);
    }
    assert.deepEqual(errorOf(await e.http('POST', '/agent/auth', { body: { type: 'anonymous', requested_credential_type: 'access_token', client_id: e.creds.client_id } })), [400, 'unsupported_credential_type']);
    assert.equal((await e.http('POST', '/agent/auth/claim', { body: { claim_token: reg.claim_token, email: 'nope', client_id: e.creds.client_id } })).status, 422);
    assert.equal((await e.http('POST', '/agent/auth/claim/complete', { body: { claim_token: reg.claim_token, client_id: e.creds.client_id } })).status, 422);
    assert.deepEqual(errorOf(await e.http('POST', '/agent/auth/claim', { body: { claim_token: 'clm_nope', email: address, client_id: e.creds.client_id } })), [401, 'invalid_claim_token']);
    // An agent of another environment registers there; its claim token means nothing here.
    const elsewhere = await selfRegister(otherClientId);
    assert.deepEqual(errorOf(await e.http('POST', '/agent/auth/claim', { body: { claim_token: elsewhere.claim_token, email: address, client_id: e.creds.client_id } })), [401, 'invalid_claim_token']);
    assert.equal((await agents.validateCredential({ type: 'api_key', credential: elsewhere.credential })).valid, false);
    assert.equal((await other.agents.validateCredential({ type: 'api_key', credential: elsewhere.credential })).valid, true);
    // A client ID that is not this environment's is refused by the gateway.
    assert.ok([400, 401, 404].includes((await e.http('POST', '/agent/auth', { body: { type: 'anonymous', requested_credential_type: 'api_key', client_id: 'client_nope' } })).status));
  });
});
