import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { GenericServerException, NotFoundException, UnprocessableEntityException, BadRequestException, ConflictException, type WorkOS } from '@workos-inc/node';
import { signInternalRequest } from '@wos/platform';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, listAllEvents, type E2e } from '../support/e2e-stack';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../support/fake-oauth-provider';

// Wide enough that a loaded machine still calls inside each window (a 2 s window flaked under load).
const SKEW_S = 4;
const TTL_S = 8;
const USER = 'user_01JZ0000000000000000000001';
/* Short, so the test of reading secrets ahead of their expiry passes a whole TTL in seconds. */
const SECRETS_TTL_MS = 4000;

describe('Pipes through the WorkOS SDK', () => {
  let e: E2e;
  let idp: FakeOAuthProvider;
  let other: WorkOS;
  let replicaB: { url: string; kill(): Promise<void> };
  const tag = uniqueSuffix();
  const slug = `fakeco-${tag}`;
  const returnTo = 'http://127.0.0.1:9/after-connect';

  /** The custom provider pointing at the fake authorization server. */
  const customProvider = () => ({ name: 'FakeCo', authorizationUrl: `${idp.url}/authorize`, tokenUrl: `${idp.url}/token`, pkceEnabled: true });

  /** authorize → provider → our callback through the gateway, as a browser would follow it; returns where it lands. */
  async function connect(userId: string, opts: { organizationId?: string; loginHint?: string } = {}): Promise<URL> {
    const { url } = await e.workos.pipes.authorizeDataIntegration({ slug, userId, organizationId: opts.organizationId, returnTo });
    const authorize = new URL(url);
    if (opts.loginHint) authorize.searchParams.set('login_hint', opts.loginHint);
    const atProvider = await fetch(authorize, { redirect: 'manual' });
    assert.equal(atProvider.status, 302);
    const callback = new URL(atProvider.headers.get('location')!);
    assert.equal(`${callback.origin}${callback.pathname}`, `${e.baseUrl}/pipes/oauth/callback`);
    const back = await fetch(callback, { redirect: 'manual' });
    assert.equal(back.status, 302, await back.clone().text());
    return new URL(back.headers.get('location')!);
  }

  const token = (client: WorkOS = e.workos, over: Record<string, unknown> = {}) => client.pipes.getAccessToken({ provider: slug, userId: USER, ...over });
  /** USER's getAccessToken answered by the second replica directly (a signed internal call, past the gateway). */
  const tokenFromReplicaB = async () => {
    const path = `/data-integrations/${slug}/token`;
    const body = JSON.stringify({ user_id: USER });
    const res = await fetch(`${replicaB.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...signInternalRequest(e.stack.internalAuthKey('pipes'), 'pipes', e.creds.environment_id, { method: 'POST', path, body }) },
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { active: boolean; error?: string; access_token?: { access_token: string } };
  };
  const expiresAt = async () => {
    const t = await token();
    assert.equal(t.active, true);
    return (t as { accessToken: { expiresAt: Date } }).accessToken.expiresAt.getTime();
  };
  /** Waits (on the clock, as a condition) until the current token is inside the refresh window. */
  const untilRefreshDue = async (at: number, fullyExpired = false) =>
    waitFor(() => Date.now() > (fullyExpired ? at + 50 : at - SKEW_S * 1000 + 50), { timeoutMs: (TTL_S + 2) * 1000, message: 'the token to come due' });

  before(async () => {
    idp = await startFakeOAuthProvider();
    e = await startE2e({
      name: 'pipes_sdk',
      portOffset: 12500,
      apps: ['organizations', 'events', 'vault', 'pipes', 'identity'],
      appEnv: { pipes: { PIPES_REFRESH_SKEW_SECONDS: String(SKEW_S), PIPES_REFRESH_BACKOFF_MAX_SECONDS: '3', PIPES_TOKEN_CACHE_TTL_MS: String(SECRETS_TTL_MS), PIPES_VAULT_DELETION_SWEEP_MS: '300' } },
    });
    other = e.client((await e.createEnvironment(`pipes-other-${tag}`)).api_key);
    replicaB = await e.stack.spawnReplica('pipes', e.stack.port('pipes') + 400);
  });
  after(async () => {
    await e?.stop();
    await idp?.stop();
  });

  test('data integrations: create a built-in provider, get, update, list, and the organization-owned variant', async () => {
    const p = e.workos.pipes;
    const secret = `gh-secret-${tag}-WXYZ`;
    const created = await p.createDataIntegration({ provider: 'github', description: 'Repos', enabled: true, credentials: { type: 'custom', clientId: 'gh_client', clientSecret: secret } });
    assert.equal(created.object, 'data_integration');
    assert.match(created.id, /^data_integration_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.deepEqual([created.slug, created.integrationType, created.ownership, created.state, created.enabled], ['github', 'github', 'user', 'valid', true]);
    assert.deepEqual(created.credentials, { type: 'custom', clientId: 'gh_client', redactedClientSecret: 'WXYZ' });
    assert.equal(created.redirectUri, `${e.baseUrl}/pipes/oauth/callback`);
    assert.equal(created.customProvider, null);
    assert.equal(created.scopes, null);

    const updated = await p.updateDataIntegration({ slug: 'github', description: 'Issues', scopes: ['repo'] });
    assert.deepEqual([updated.description, updated.scopes], ['Issues', ['repo']]);
    assert.equal((await p.getDataIntegration({ slug: 'github' })).description, 'Issues');
    await expectSdkError(p.createDataIntegration({ provider: 'github', credentials: { type: 'custom', clientId: 'x', clientSecret: 'y' } }), ConflictException, 409);

    const org = await p.createDataIntegration({ provider: 'github', ownership: 'organization', credentials: { type: 'organization' } });
    assert.equal(org.ownership, 'organization');
    assert.equal((await p.getOrganizationDataIntegration({ slug: 'github' })).id, org.id);
    assert.equal((await p.updateOrganizationDataIntegration({ slug: 'github', enabled: true })).enabled, true);
    assert.deepEqual((await p.listDataIntegrations({ ownership: 'organization' })).data.map((i) => i.id), [org.id]);
    assert.ok((await p.listDataIntegrations()).data.some((i) => i.id === created.id));
    await p.deleteOrganizationDataIntegration({ slug: 'github' });
    await expectSdkError(p.getOrganizationDataIntegration({ slug: 'github' }), NotFoundException, 404);

    // The client secret is sealed at rest: the row holds neither it nor anything that contains it.
    const db = new Client({ connectionString: e.stack.databaseUrl('pipes') });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT client_secret_sealed FROM data_integrations WHERE id = $1', [created.id]);
      assert.match(rows[0].client_secret_sealed, /^v1\./);
      assert.ok(!rows[0].client_secret_sealed.includes(secret));
    } finally {
      await db.end();
    }
    await p.deleteDataIntegration({ slug: 'github' });
    await expectSdkError(p.getDataIntegration({ slug: 'github' }), NotFoundException, 404);
  });

  test('connect: authorize (state + PKCE) → provider → callback stores the grant in Vault, connects the account and redirects to return_to', async () => {
    idp.accessTokenTtlSeconds = TTL_S;
    await e.workos.pipes.createDataIntegration({ provider: slug, enabled: true, scopes: ['read', 'write'], customProvider: customProvider(), credentials: { type: 'custom', clientId: idp.clientId, clientSecret: idp.clientSecret } });
    const landed = await connect(USER);
    assert.equal(`${landed.origin}${landed.pathname}`, returnTo);
    assert.equal(landed.searchParams.get('status'), 'connected');
    assert.equal(idp.lastAuthorize?.get('code_challenge_method'), 'S256');
    assert.equal(idp.lastAuthorize?.get('scope'), 'read write');
    assert.equal(idp.counts.codeExchanges, 1);

    const account = await e.workos.pipes.getUserConnectedAccount({ userId: USER, slug });
    assert.deepEqual([account.object, account.state, account.userId, account.organizationId, account.authMethod], ['connected_account', 'connected', USER, null, 'oauth']);
    assert.deepEqual(account.scopes, ['read', 'write']);
    const providers = await e.workos.pipes.listUserDataProviders({ userId: USER });
    const mine = providers.data.find((d) => d.slug === slug)!;
    assert.equal(mine.connectedAccount?.id, account.id);
    assert.equal(mine.ownership, 'userland_user');
    assert.equal(mine.credentialsType, 'oauth2');

    const t = await token();
    assert.equal(t.active, true);
    if (!t.active) return;
    assert.ok(idp.isValid(t.accessToken.accessToken), 'the token works at the provider');
    assert.deepEqual(t.accessToken.missingScopes, []);
    await waitForEvents(e.workos, ['pipes.connected_account.connected'], (all) => all.some((ev) => (ev.data as { id: string }).id === account.id));

    // The tokens are nowhere in pipes' database.
    const db = new Client({ connectionString: e.stack.databaseUrl('pipes') });
    await db.connect();
    try {
      const dump = JSON.stringify((await db.query('SELECT * FROM connected_accounts')).rows) + JSON.stringify((await db.query('SELECT payload FROM outbox')).rows);
      assert.ok(!dump.includes(t.accessToken.accessToken));
    } finally {
      await db.end();
    }
  });

  test('a token inside the refresh window is refreshed once; later calls get the refreshed one', async () => {
    const first = await token();
    assert.ok(first.active);
    await untilRefreshDue(first.accessToken.expiresAt!.getTime());
    const before = idp.counts.refreshes;
    const refreshed = await token();
    assert.ok(refreshed.active);
    assert.notEqual(refreshed.accessToken.accessToken, first.accessToken.accessToken);
    assert.ok(idp.isValid(refreshed.accessToken.accessToken));
    const again = await token();
    assert.ok(again.active);
    assert.equal(again.accessToken.accessToken, refreshed.accessToken.accessToken);
    assert.equal(idp.counts.refreshes, before + 1);
  });

  test('50 concurrent getAccessToken calls during expiry, across two replicas, make exactly ONE refresh at the provider', async () => {
    const direct = async () => {
      const j = await tokenFromReplicaB();
      assert.equal(j.active, true);
      return j.access_token!.access_token;
    };
    const viaGateway = async () => {
      const t = await token();
      assert.ok(t.active);
      return t.accessToken.accessToken;
    };
    // Both replicas warm (a cold replica could read the row only after the refresh committed).
    await Promise.all([direct(), viaGateway()]);
    await untilRefreshDue(await expiresAt());
    const before = idp.counts.refreshes;
    // Every caller on both replicas reads the due token while the one refresh is in flight.
    idp.refreshDelayMs = 1500;
    // The refreshed token stays fresh for the whole burst, however slow the machine: a second
    // refresh can only come from a race, never from the new token coming due.
    idp.accessTokenTtlSeconds = 60;
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? direct() : viaGateway())));
    idp.refreshDelayMs = 0;
    assert.equal(idp.counts.refreshes, before + 1, 'one refresh for 50 callers on two replicas');
    assert.equal(new Set(all).size, 1, 'every caller got the refreshed token');
    assert.ok(idp.isValid(all[0]!));
    // The refresh is counted on one replica's metrics, by outcome.
    const metrics = await Promise.all([`http://127.0.0.1:${e.stack.port('pipes')}`, replicaB.url].map((u) => fetch(`${u}/metrics`).then((r) => r.text())));
    assert.ok(metrics.some((m) => /pipes_token_refreshes_total\{outcome="ok"\} [1-9]/.test(m)), 'pipes_token_refreshes_total{outcome="ok"}');
    // Back to short-lived tokens: the stored expiry is moved close (an update through the SDK).
    idp.accessTokenTtlSeconds = TTL_S;
    await e.workos.pipes.updateUserConnectedAccount({ userId: USER, slug, accessToken: all[0]!, expiresAt: new Date(Date.now() + TTL_S * 1000) });
  });

  test('provider down: a still-valid token is served; an expired one is a 503 with backoff; service resumes when the provider is back', async () => {
    const at = await expiresAt();
    await untilRefreshDue(at);
    idp.down = true;
    try {
      const stillValid = await token();
      assert.ok(stillValid.active, 'inside the skew but not expired: the old token');
      await untilRefreshDue(at, true);
      const before = idp.counts.tokenRequests;
      await expectSdkError(token(), GenericServerException, 503);
      assert.equal(idp.counts.tokenRequests, before + 1, 'the refresh was tried');
      // Backing off: the next call inside the backoff does not go to the provider again.
      await expectSdkError(token(), GenericServerException, 503);
      assert.equal(idp.counts.tokenRequests, before + 1, 'no provider call during the backoff');
    } finally {
      idp.down = false; // a failure here must not take the provider down for the tests after it
    }
    const back = await waitFor(async () => {
      const t = await token();
      return t.active ? t : undefined;
    }, { timeoutMs: 10_000, message: 'a token once the provider is back' });
    assert.ok(idp.isValid(back.accessToken.accessToken));
  });

  test('a revoked grant (invalid_grant) marks the account needs_reauthorization and emits reauthorization_needed', async () => {
    await untilRefreshDue(await expiresAt());
    idp.revokeAll();
    const t = await token();
    assert.deepEqual(t, { active: false, error: 'needs_reauthorization' });
    const account = await e.workos.pipes.getUserConnectedAccount({ userId: USER, slug });
    assert.equal(account.state, 'needs_reauthorization');
    await waitForEvents(e.workos, ['pipes.connected_account.reauthorization_needed'], (all) => all.some((ev) => (ev.data as { id: string }).id === account.id));
    // Reconnecting restores it.
    assert.equal((await connect(USER)).searchParams.get('status'), 'connected');
    assert.equal((await token()).active, true);
  });

  test("every replica's cached token lookup follows a change written elsewhere (SQL here), by the tables' NOTIFY triggers", async () => {
    /** getAccessToken answered by the first replica through the gateway, and by replica B directly. */
    const both = async () => {
      const b = await tokenFromReplicaB();
      const a = await token();
      return [a.active ? 'active' : (a as { error: string }).error, b.active ? 'active' : b.error!];
    };
    assert.deepEqual(await both(), ['active', 'active']);
    assert.deepEqual(await both(), ['active', 'active'], 'both replicas now hold the lookup');
    assert.match(await fetch(`${replicaB.url}/metrics`).then((r) => r.text()), /pipes_token_lookups_total\{source="cache"\} [1-9]/, 'answered from the cache');
    const db = new Client({ connectionString: e.stack.databaseUrl('pipes') });
    await db.connect();
    const setState = (state: string) =>
      db.query(`UPDATE connected_accounts SET state = $3 WHERE environment_id = $1 AND user_id = $2 AND organization_id IS NULL AND data_integration_id = (SELECT id FROM data_integrations WHERE environment_id = $1 AND slug = $4)`, [e.creds.environment_id, USER, state, slug]);
    try {
      assert.equal((await setState('needs_reauthorization')).rowCount, 1);
      await waitFor(async () => (await both()).join() === 'needs_reauthorization,needs_reauthorization' || undefined, { timeoutMs: 5000, intervalMs: 20, message: 'both replicas see the account change' });
    } finally {
      await setState('connected');
    }
    await waitFor(async () => (await both()).join() === 'active,active' || undefined, { timeoutMs: 5000, intervalMs: 20, message: 'both replicas see it connected again' });
    await db.end();
  });

  test("a busy account's secrets are re-read from Vault in the background before their cache entry expires", async () => {
    const reads = async (source: string) => {
      const text = await fetch(`http://127.0.0.1:${e.stack.port('pipes')}/metrics`).then((r) => r.text());
      return Number(new RegExp(`pipes_token_reads_total\\{source="${source}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const ahead = await reads('vault_ahead');
    // Calls keep the entry in use; past its refresh point (5/8 to 7/8 of the TTL after its read,
    // which a provider refresh of the token resets) it is re-read in the background.
    await waitFor(
      async () => {
        assert.ok((await token()).active);
        return (await reads('vault_ahead')) > ahead || undefined;
      },
      { timeoutMs: 4 * SECRETS_TTL_MS, intervalMs: 100, message: 'secrets read ahead of their expiry' },
    );
  });

  test('a denied authorization redirects with an error and emits connection_failed', async () => {
    const landed = await connect('user_01JZ0000000000000000000002', { loginHint: 'deny' });
    assert.equal(landed.searchParams.get('error'), 'provider_denied');
    const events = await waitForEvents(e.workos, ['pipes.connected_account.connection_failed'], (all) => all.length > 0);
    // The SDK deserializes event data to camelCase.
    assert.deepEqual((({ object, providerSlug, errorCode, providerError }) => ({ object, providerSlug, errorCode, providerError }))(events[0]!.data as unknown as Record<string, string>), {
      object: 'connection_failed',
      providerSlug: slug,
      errorCode: 'provider_denied',
      providerError: 'access_denied',
    });
  });

  test('imported tokens: create, update and delete a user connected account', async () => {
    const p = e.workos.pipes;
    const user = 'user_01JZ0000000000000000000003';
    const created = await p.createUserConnectedAccount({ userId: user, slug, accessToken: 'imported-at', refreshToken: 'imported-rt', expiresAt: new Date(Date.now() + 3_600_000), scopes: ['read'] });
    assert.equal(created.state, 'connected');
    const t = await token(e.workos, { userId: user });
    assert.ok(t.active);
    assert.equal(t.accessToken.accessToken, 'imported-at');
    assert.deepEqual(t.accessToken.missingScopes, ['write']);
    await expectSdkError(p.createUserConnectedAccount({ userId: user, slug, accessToken: 'x', connectionIntent: 'add' }), NotFoundException, 404);
    const updated = await p.updateUserConnectedAccount({ userId: user, slug, accessToken: 'imported-at-2', expiresAt: new Date(Date.now() + 3_600_000) });
    assert.equal(updated.id, created.id);
    const t2 = await token(e.workos, { userId: user });
    assert.ok(t2.active && t2.accessToken.accessToken === 'imported-at-2');
    await p.deleteUserConnectedAccount({ userId: user, slug });
    await expectSdkError(p.getUserConnectedAccount({ userId: user, slug }), NotFoundException, 404);
    assert.deepEqual(await token(e.workos, { userId: user }), { active: false, error: 'not_installed' });
    await waitForEvents(e.workos, ['pipes.connected_account.disconnected'], (all) => all.some((ev) => (ev.data as { id: string }).id === created.id));
  });

  test('API keys and client credentials: install, vend, rotate', async () => {
    const p = e.workos.pipes;
    const apiSlug = `keyco-${tag}`;
    const created = await p.createDataIntegration({ provider: apiSlug, enabled: true, authMethods: ['api_key'], customProvider: { name: 'KeyCo' }, apiKey: { secret: 'sk_live_first_1111', userId: USER } });
    assert.equal(created.installation?.apiKeyLast4, '1111');
    assert.equal(created.redirectUri, '');
    const vend = await p.createDataIntegrationCredential({ slug: apiSlug, userId: USER });
    assert.deepEqual(vend.active && [vend.credential.authMethod, vend.credential.value], ['api_key', 'sk_live_first_1111']);
    // updateDataIntegration with apiKey rotates that tenant's installation.
    const reinstalled = await p.updateDataIntegration({ slug: apiSlug, apiKey: { secret: 'sk_live_second_5555', userId: USER } });
    assert.deepEqual([reinstalled.installation?.id, reinstalled.installation?.apiKeyLast4], [created.installation?.id, '5555']);
    const vend2 = await p.createDataIntegrationCredential({ slug: apiSlug, userId: USER });
    assert.equal(vend2.active && vend2.credential.value, 'sk_live_second_5555');
    const other2 = 'user_01JZ0000000000000000000004';
    const added = await p.createDataIntegrationApiKey({ slug: apiSlug, userId: other2, secret: 'key-2222', connectionIntent: 'add' });
    assert.deepEqual([added.authMethod, added.apiKeyLast4, added.state], ['api_key', '2222', 'connected']);
    await expectSdkError(p.createDataIntegrationApiKey({ slug: apiSlug, userId: other2, secret: 'key-3333', connectionIntent: 'add' }), NotFoundException, 404);
    const rotated = await p.updateDataIntegrationApiKey({ slug: apiSlug, userId: other2, secret: 'key-4444' });
    assert.deepEqual([rotated.id, rotated.apiKeyLast4], [added.id, '4444']);
    const v2 = await p.createDataIntegrationCredential({ slug: apiSlug, userId: other2 });
    assert.equal(v2.active && v2.credential.value, 'key-4444');

    const ccSlug = `ccco-${tag}`;
    await p.createDataIntegration({ provider: ccSlug, enabled: true, authMethods: ['client_credentials'], customProvider: { name: 'CcCo', tokenUrl: `${idp.url}/token` } });
    const cc = await p.createDataIntegrationClientCredential({ slug: ccSlug, userId: USER, clientId: 'cc_one', clientSecret: 'cc_one_secret', connectionIntent: 'add' });
    assert.deepEqual([cc.authMethod, cc.clientId, cc.clientSecretLast4], ['client_credentials', 'cc_one', 'cret']);
    const before = idp.counts.clientCredentials;
    const ccToken = await p.createDataIntegrationCredential({ slug: ccSlug, userId: USER });
    assert.ok(ccToken.active && ccToken.credential.authMethod === 'client_credentials');
    assert.ok(ccToken.active && idp.isValid(ccToken.credential.value));
    assert.equal(idp.counts.clientCredentials, before + 1);
    const ccRotated = await p.updateDataIntegrationClientCredentials({ slug: ccSlug, userId: USER, clientId: 'cc_two', clientSecret: 'cc_two_secret' });
    assert.equal(ccRotated.clientId, 'cc_two');
  });

  test("organization deletion makes the organization's tokens unrecoverable (Vault crypto-shredding) and disconnects its accounts", async () => {
    const p = e.workos.pipes;
    const org = await e.workos.organizations.createOrganization({ name: `Pipes Org ${tag}` });
    await p.createDataIntegration({ provider: slug, ownership: 'organization', enabled: true, customProvider: customProvider(), credentials: { type: 'custom', clientId: idp.clientId, clientSecret: idp.clientSecret } });
    const account = await p.createOrganizationConnectedAccount({ organizationId: org.id, slug, userId: USER, accessToken: `org-at-${tag}`, refreshToken: 'org-rt', expiresAt: new Date(Date.now() + 3_600_000) });
    assert.deepEqual([account.organizationId, account.userId], [org.id, null]);
    assert.equal((await p.getOrganizationConnectedAccount({ organizationId: org.id, slug })).id, account.id);
    assert.equal((await p.updateOrganizationConnectedAccount({ organizationId: org.id, slug, userId: USER, scopes: ['read'] })).scopes[0], 'read');
    const orgProviders = await p.listOrganizationDataProviders({ organizationId: org.id });
    assert.equal(orgProviders.data.find((d) => d.slug === slug)?.connectedAccount?.id, account.id);
    const orgToken = await token(e.workos, { organizationId: org.id, connectionOwner: 'organization' });
    assert.ok(orgToken.active && orgToken.accessToken.accessToken === `org-at-${tag}`);

    // The secret is a Vault object under the organization's key context.
    const objects = await e.workos.vault.listObjects({ limit: 100 });
    const stored = objects.data.find((o) => o.name.startsWith(`pipes/${account.id}/`));
    assert.ok(stored, 'the account has a vault object');
    const read = await e.workos.vault.readObject({ id: stored.id });
    assert.deepEqual(read.metadata.context, { organization_id: org.id });
    assert.match(read.value!, new RegExp(`org-at-${tag}`));

    await e.workos.organizations.deleteOrganization(org.id);
    await waitFor(async () => {
      try {
        await e.workos.vault.readObject({ id: stored.id });
        return false;
      } catch (err) {
        return err instanceof NotFoundException;
      }
    }, { timeoutMs: 30_000, message: 'vault to shred the organization key' });
    await waitFor(async () => {
      const t = await token(e.workos, { organizationId: org.id, connectionOwner: 'organization' });
      return !t.active && t.error === 'not_installed';
    }, { timeoutMs: 30_000, message: 'the account to be disconnected' });
    await waitForEvents(e.workos, ['pipes.connected_account.disconnected'], (all) => all.some((ev) => (ev.data as { id: string }).id === account.id), { timeoutMs: 30_000 });
    await p.deleteOrganizationConnectedAccount({ organizationId: org.id, slug });
  });

  test("a deleted user's own connections are deleted with their Vault objects (their own key context, not an organization's)", async () => {
    const p = e.workos.pipes;
    const user = await e.workos.userManagement.createUser({ email: `pipes-${tag}@example.com` });
    const account = await p.createUserConnectedAccount({ userId: user.id, slug, accessToken: `user-at-${tag}`, refreshToken: 'user-rt', expiresAt: new Date(Date.now() + 3_600_000) });
    const objects = await e.workos.vault.listObjects({ limit: 100 });
    const stored = objects.data.find((o) => o.name.startsWith(`pipes/${account.id}/`));
    assert.ok(stored);
    assert.deepEqual((await e.workos.vault.readObject({ id: stored.id })).metadata.context, { pipes_user_id: user.id });

    await e.workos.userManagement.deleteUser(user.id);
    await waitFor(async () => {
      try {
        await p.getUserConnectedAccount({ userId: user.id, slug });
        return false;
      } catch (err) {
        return err instanceof NotFoundException;
      }
    }, { timeoutMs: 30_000, message: "the user's connection to be deleted" });
    // The Vault object goes right after the row's transaction commits.
    await waitFor(async () => {
      try {
        await e.workos.vault.readObject({ id: stored.id });
        return false;
      } catch (err) {
        return err instanceof NotFoundException;
      }
    }, { timeoutMs: 30_000, message: 'the vault object to be deleted' });
    await waitForEvents(e.workos, ['pipes.connected_account.disconnected'], (all) => all.some((ev) => (ev.data as { id: string }).id === account.id), { timeoutMs: 30_000 });
  });

  test('an account deleted while Vault is down: its object stays owed, and is deleted once Vault is back', async () => {
    const p = e.workos.pipes;
    const user = 'user_01JZ0000000000000000000077';
    const account = await p.createUserConnectedAccount({ userId: user, slug, accessToken: `owed-at-${tag}`, expiresAt: new Date(Date.now() + 3_600_000) });
    const stored = (await e.workos.vault.listObjects({ limit: 100 })).data.find((o) => o.name.startsWith(`pipes/${account.id}/`));
    assert.ok(stored);
    const db = new Client({ connectionString: e.stack.databaseUrl('pipes') });
    await db.connect();
    const owed = async () => (await db.query<{ attempts: number }>('SELECT attempts FROM vault_deletions WHERE vault_object_id = $1', [stored.id])).rows;
    try {
      await e.stack.kill('vault');
      await p.deleteUserConnectedAccount({ userId: user, slug });
      await expectSdkError(p.getUserConnectedAccount({ userId: user, slug }), NotFoundException, 404);
      const debt = await owed();
      assert.equal(debt.length, 1, 'the deletion is owed');
      assert.ok(debt[0]!.attempts >= 1, 'the first try failed');
      await e.stack.restart('vault');
      await waitFor(async () => (await owed()).length === 0, { timeoutMs: 30_000, message: 'the owed deletion to be paid' });
      await expectSdkError(e.workos.vault.readObject({ id: stored.id }), NotFoundException, 404);
    } finally {
      await db.end();
    }
  });

  test("organization-managed OAuth apps and per-organization settings (data_integration_configurations, the Java SDK's pipesProvider)", async () => {
    const orgSlug = `orgapp-${tag}`;
    const org = await e.workos.organizations.createOrganization({ name: `Org App ${tag}` });
    await e.workos.pipes.createDataIntegration({ provider: orgSlug, enabled: true, scopes: ['read'], customProvider: customProvider(), credentials: { type: 'organization' } });
    const path = `/organizations/${org.id}/data_integration_configurations`;
    // Without the organization's own app, nothing can authorize.
    await expectSdkError(e.workos.pipes.authorizeDataIntegration({ slug: orgSlug, userId: USER, organizationId: org.id }), GenericServerException, 400);
    const listed = await e.http('GET', path, { key: true });
    assert.equal(listed.status, 200, listed.text);
    const item = (listed.json as { data: { slug: string; credentials?: { has_credentials: boolean } }[] }).data.find((d) => d.slug === orgSlug);
    assert.deepEqual(item?.credentials?.has_credentials, false);
    const put = await e.http('PUT', `${path}/${orgSlug}`, { key: true, body: { client_id: idp.clientId, client_secret: idp.clientSecret, scopes: ['read', 'admin'] } });
    assert.equal(put.status, 200, put.text);
    const cfg = put.json as { object: string; organization_id: string; scopes: string[]; credentials: { credentials_type: string; has_credentials: boolean; client_id: string; client_secret_last_four: string; redirect_uri: string } };
    assert.deepEqual([cfg.object, cfg.organization_id, cfg.scopes], ['data_integration_configuration', org.id, ['read', 'admin']]);
    assert.deepEqual(cfg.credentials, { credentials_type: 'organization', has_credentials: true, client_id: idp.clientId, client_secret_last_four: idp.clientSecret.slice(-4), redirect_uri: `${e.baseUrl}/pipes/oauth/callback` });
    assert.ok(!put.text.includes(idp.clientSecret));

    // A user of the organization connects through the organization's app, with its scopes.
    const { url } = await e.workos.pipes.authorizeDataIntegration({ slug: orgSlug, userId: USER, organizationId: org.id, returnTo });
    assert.equal(new URL(url).searchParams.get('scope'), 'read admin');
    const atProvider = await fetch(url, { redirect: 'manual' });
    const back = await fetch(atProvider.headers.get('location')!, { redirect: 'manual' });
    assert.equal(new URL(back.headers.get('location')!).searchParams.get('status'), 'connected');
    const t = await token(e.workos, { provider: orgSlug, organizationId: org.id });
    assert.ok(t.active && idp.isValid(t.accessToken.accessToken));

    // Disabled for the organization: its connections are not usable, others' settings are untouched.
    assert.equal((await e.http('PUT', `${path}/${orgSlug}`, { key: true, body: { enabled: false } })).status, 200);
    assert.deepEqual(await token(e.workos, { provider: orgSlug, organizationId: org.id }), { active: false, error: 'not_installed' });
    // Organization credentials on an integration that does not take them: 422.
    assert.equal((await e.http('PUT', `${path}/${slug}`, { key: true, body: { client_id: 'a', client_secret: 'b' } })).status, 422);
  });

  test("environments are isolated: another environment's key sees no integration, account or token", async () => {
    assert.equal((await other.pipes.listDataIntegrations()).data.length, 0);
    await expectSdkError(other.pipes.getDataIntegration({ slug }), NotFoundException, 404);
    await expectSdkError(other.pipes.getAccessToken({ provider: slug, userId: USER }), NotFoundException, 404);
    await expectSdkError(other.pipes.getUserConnectedAccount({ userId: USER, slug }), NotFoundException, 404);
    await expectSdkError(other.pipes.deleteDataIntegration({ slug }), NotFoundException, 404);
    assert.deepEqual((await other.pipes.listUserDataProviders({ userId: USER })).data, []);
    // The same slug in the other environment is a separate integration.
    await other.pipes.createDataIntegration({ provider: slug, customProvider: customProvider(), credentials: { type: 'custom', clientId: 'other', clientSecret: 'other-secret' } });
    assert.deepEqual(await other.pipes.getAccessToken({ provider: slug, userId: USER }), { active: false, error: 'not_installed' });
    assert.equal((await token()).active, true);
  });

  test('bad input is a WorkOS-shaped 4xx, never a 500', async () => {
    const p = e.workos.pipes;
    await expectSdkError(p.createDataIntegration({ provider: 'no-such-provider', credentials: { type: 'custom', clientId: 'a', clientSecret: 'b' } }), UnprocessableEntityException, 422);
    await expectSdkError(p.createDataIntegration({ provider: 'github' }), UnprocessableEntityException, 422);
    await expectSdkError(p.createDataIntegration({ provider: 'Upper Case', credentials: { type: 'organization' } }), UnprocessableEntityException, 422);
    // Custom-provider URLs pass the outbound address policy (link-local metadata address, non-http scheme).
    const ssrf = await p.createDataIntegration({ provider: `ssrf-${tag}`, customProvider: { name: 'x', authorizationUrl: 'https://example.com/a', tokenUrl: 'http://169.254.169.254/token' }, credentials: { type: 'custom', clientId: 'a', clientSecret: 'b' } }).catch((err: unknown) => err);
    assert.ok(ssrf instanceof GenericServerException || ssrf instanceof BadRequestException, String(ssrf));
    assert.equal((ssrf as { status: number }).status, 400);
    assert.equal((ssrf as { rawData?: { code?: string } }).rawData?.code ?? (ssrf as { code?: string }).code, 'provider_url_not_allowed');
    await expectSdkError(p.createDataIntegration({ provider: `ftp-${tag}`, customProvider: { name: 'x', authorizationUrl: 'ftp://a/b', tokenUrl: 'ftp://a/t' }, credentials: { type: 'custom', clientId: 'a', clientSecret: 'b' } }), GenericServerException, 400);
    await expectSdkError(p.getAccessToken({ provider: slug, userId: USER, connectionOwner: 'organization' }), UnprocessableEntityException, 422);
    await expectSdkError(p.getAccessToken({ provider: 'nope', userId: USER }), NotFoundException, 404);
    await expectSdkError(p.authorizeDataIntegration({ slug, userId: USER, returnTo: 'javascript:alert(1)' }), GenericServerException, 400);
    await expectSdkError(p.authorizeDataIntegration({ slug, userId: USER, organizationId: 'org_01JZ0000000000000000000000' }), NotFoundException, 404);
    const raw = await e.http('POST', `/data-integrations/${slug}/token`, { key: true, body: { user_id: USER, extra: 1 } });
    assert.equal(raw.status, 422, raw.text);
    assert.equal((raw.json as { code: string }).code, 'invalid_request_parameters');
    // The underscore spelling some write is served as the canonical route (gateway alias).
    const alias = await e.http('POST', `/data_integrations/${slug}/token`, { key: true, body: { user_id: USER } });
    assert.equal(alias.status, 200, alias.text);
    assert.equal((alias.json as { active: boolean }).active, true);
    const noKey = await e.http('POST', `/data-integrations/${slug}/token`, { body: { user_id: USER } });
    assert.equal(noKey.status, 401);
    // In /openapi.json each canonical operation has its underscore copy, marked deprecated.
    const doc = (await e.http('GET', '/openapi.json')).json as { paths: Record<string, Record<string, { deprecated?: boolean }>> };
    const ops = (prefix: string) => Object.entries(doc.paths).flatMap(([p, o]) => (p === prefix || p.startsWith(`${prefix}/`) ? Object.entries(o).map(([m, op]) => ({ at: `${m} ${p.slice(prefix.length)}`, op })) : []));
    const underscored = ops('/data_integrations');
    assert.ok(underscored.some((a) => /^post \/\{[^}]+\}\/token$/.test(a.at)), JSON.stringify(underscored.map((a) => a.at)));
    assert.deepEqual(underscored.map((a) => a.at).sort(), ops('/data-integrations').map((a) => a.at).sort());
    for (const { at, op } of underscored) assert.equal(op.deprecated, true, `/data_integrations ${at}`);
    const badState = await e.http('GET', '/pipes/oauth/callback?state=forged&code=x');
    assert.equal(badState.status, 400);
    assert.equal((badState.json as { code: string }).code, 'invalid_state');
    const events = await listAllEvents(e.workos, ['pipes.connected_account.connected']);
    assert.ok(events.length > 0);
  });
});
