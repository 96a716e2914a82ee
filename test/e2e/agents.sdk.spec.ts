import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GenericServerException, NotFoundException, OauthException, UnprocessableEntityException, type WorkOS } from '@workos-inc/node';
import { uniqueSuffix } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';

describe('Agents through the WorkOS SDK', () => {
  let e: E2e;
  let other: WorkOS;
  let orgId: string;
  let jose: typeof import('jose', { with: { 'resolution-mode': 'import' } });
  const tag = uniqueSuffix();
  const settings = { maxAgeSeconds: 3600, accessTokenTtlSeconds: 300, refreshTokenTtlSeconds: 1800 };

  before(async () => {
    jose = await import('jose');
    e = await startE2e({ name: 'agents_sdk', portOffset: 22500, apps: ['organizations', 'events', 'identity'] });
    other = e.client((await e.createEnvironment(`agents-other-${tag}`)).api_key);
    orgId = (await e.workos.organizations.createOrganization({ name: `Agents ${tag}` })).id;
  });
  after(async () => {
    await e?.stop();
  });

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
    assert.equal(registration.status, 'active');
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
    await expectSdkError(agents.linkClaimAttemptToExternalUser({ claimAttemptToken: 'nope', user: { email, externalId: 'x' } }), NotFoundException, 404);
    // Another environment's token never validates here (different keys), nor its sessions.
    assert.equal((await other.agents.validateCredential({ type: 'access_token', credential: t.accessToken, checkForRevoked: true })).valid, false);
    await expectSdkError(other.agents.getInstanceSession(t.agentInstanceSessionId), NotFoundException, 404);
  });
});
