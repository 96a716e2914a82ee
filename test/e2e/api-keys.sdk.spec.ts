import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictException, NotFoundException, UnprocessableEntityException, type WorkOS } from '@workos-inc/node';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';
import { WebhookReceiver } from '../support/webhook-receiver';

const VALUE = /^sk_ak_[A-Za-z0-9_-]{43}$/;

describe('API keys (organization and user keys) through the WorkOS SDK', () => {
  let e: E2e;
  let w: WorkOS;
  const tag = uniqueSuffix();
  const receiver = new WebhookReceiver();

  before(async () => {
    await receiver.start();
    e = await startE2e({
      name: 'api_keys_sdk',
      portOffset: 8500,
      apps: ['organizations', 'events', 'identity', 'authorization', 'webhook-dispatcher'],
      appEnv: {
        // Loopback is refused by default; the test receiver needs it, and only it.
        'webhook-dispatcher': { KAFKA_GROUP_ID: `api-keys-e2e-${Date.now()}`, WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' },
      },
    });
    w = e.workos;
  });
  after(async () => {
    await e?.stop();
    await receiver.stop();
  });

  test('organization keys: create shows the value once, list (paginated), validate, delete revokes; events carry no value', async () => {
    const org = await w.organizations.createOrganization({ name: `Keys ${tag}` });
    await w.authorization.createPermission({ slug: 'posts:read', name: 'Read posts' });
    const created = await w.apiKeys.createOrganizationApiKey({ organizationId: org.id, name: 'CI', permissions: ['posts:read'] });
    assert.equal(created.object, 'api_key');
    assert.match(created.id, /^api_key_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.match(created.value, VALUE);
    assert.equal(created.obfuscatedValue, `sk_…${created.value.slice(-4)}`);
    assert.deepEqual(created.owner, { type: 'organization', id: org.id });
    assert.deepEqual(created.permissions, ['posts:read']);
    assert.equal(created.lastUsedAt, null);

    for (const name of ['two', 'three']) await w.apiKeys.createOrganizationApiKey({ organizationId: org.id, name });
    const first = await w.apiKeys.listOrganizationApiKeys({ organizationId: org.id, limit: 2 });
    assert.equal(first.data.length, 2);
    assert.ok(first.listMetadata.after);
    const rest = await w.apiKeys.listOrganizationApiKeys({ organizationId: org.id, limit: 2, after: first.listMetadata.after! });
    const listed = [...first.data, ...rest.data];
    assert.deepEqual(listed.map((k) => k.name).sort(), ['CI', 'three', 'two']);
    assert.ok(listed.every((k) => !('value' in k)), 'lists never carry the value');

    const valid = await w.apiKeys.createValidation({ value: created.value });
    assert.equal(valid.apiKey?.id, created.id);
    assert.deepEqual(valid.apiKey?.owner, { type: 'organization', id: org.id });
    assert.deepEqual(valid.apiKey?.permissions, ['posts:read']);
    // last_used_at is written in the background, off the validation path.
    await waitFor(async () => (await w.apiKeys.listOrganizationApiKeys({ organizationId: org.id, limit: 10 })).data.find((k) => k.id === created.id)?.lastUsedAt ?? undefined, {
      timeoutMs: 15_000,
      message: 'last_used_at to be recorded',
    });

    await w.apiKeys.deleteApiKey(created.id);
    assert.equal((await w.apiKeys.createValidation({ value: created.value })).apiKey, null, 'a deleted key no longer validates');
    await expectSdkError(w.apiKeys.deleteApiKey(created.id), NotFoundException, 404);

    const events = await waitForEvents(w, ['api_key.created', 'api_key.revoked'], (all) => all.some((ev) => ev.event === 'api_key.revoked' && (ev.data as { id?: string }).id === created.id));
    const mine = events.filter((ev) => (ev.data as { id?: string }).id === created.id);
    assert.deepEqual(mine.map((ev) => ev.event), ['api_key.created', 'api_key.revoked']);
    for (const ev of mine) {
      assert.equal(JSON.stringify(ev).includes(created.value), false, 'no event carries the value');
      assert.equal((ev.data as { obfuscatedValue: string }).obfuscatedValue, created.obfuscatedValue);
    }
  });

  test('webhook endpoints can subscribe to api_key.updated (an expiry set in the future) and get exactly it', async () => {
    const endpoint = await w.webhooks.createWebhookEndpoint({ endpointUrl: receiver.on('/api-key-updated', () => ({ status: 200 })), events: ['api_key.updated' as 'api_key.created'] });
    assert.deepEqual(endpoint.events, ['api_key.updated']);
    const org = await w.organizations.createOrganization({ name: `Keys hooked ${tag}` });
    const key = await w.apiKeys.createOrganizationApiKey({ organizationId: org.id, name: 'scheduled' });
    const later = new Date(Date.now() + 3_600_000).toISOString();
    assert.equal((await e.http('POST', `/api_keys/${key.id}/expire`, { key: true, body: { expires_at: later } })).status, 200);
    const [delivery] = await waitFor(() => receiver.on2xx('/api-key-updated').length > 0 && receiver.on2xx('/api-key-updated'), { timeoutMs: 30_000, intervalMs: 100, message: 'the api_key.updated delivery' });
    const event = await w.webhooks.constructEvent({ payload: delivery!.body, sigHeader: delivery!.signature, secret: endpoint.secret });
    // The node SDK passes a type it does not know through as it came (snake_case data).
    const raw = event as unknown as { event: string; data: { id: string; expires_at: string } };
    assert.deepEqual([raw.event, raw.data.id, raw.data.expires_at], ['api_key.updated', key.id, later]);
    assert.ok(receiver.at('/api-key-updated').every((d) => d.eventType === 'api_key.updated'), 'the api_key.created before it was not sent there');
  });

  test('user keys: the user must be an active member of the organization; list filters by organization; expire', async () => {
    const org = await w.organizations.createOrganization({ name: `User keys ${tag}` });
    const other = await w.organizations.createOrganization({ name: `Other ${tag}` });
    const user = await w.userManagement.createUser({ email: `keys-${tag}@example.com` });
    await expectSdkError(w.userManagement.createUserApiKey(user.id, { name: 'no membership', organizationId: org.id }), UnprocessableEntityException, 422);
    await w.userManagement.createOrganizationMembership({ organizationId: org.id, userId: user.id });
    await w.userManagement.createOrganizationMembership({ organizationId: other.id, userId: user.id });

    const expiresAt = new Date(Date.now() + 86_400_000);
    const key = await w.userManagement.createUserApiKey(user.id, { name: 'laptop', organizationId: org.id, expiresAt });
    assert.match(key.value, VALUE);
    assert.deepEqual(key.owner, { type: 'user', id: user.id, organizationId: org.id });
    assert.equal(key.expiresAt, expiresAt.toISOString());
    const otherKey = await w.userManagement.createUserApiKey(user.id, { name: 'other org', organizationId: other.id });
    assert.equal(otherKey.expiresAt, null);

    assert.deepEqual((await w.userManagement.listUserApiKeys(user.id, { organizationId: org.id })).data.map((k) => k.id), [key.id]);
    assert.deepEqual((await w.userManagement.listUserApiKeys(user.id)).data.map((k) => k.id).sort(), [key.id, otherKey.id].sort());
    assert.deepEqual((await w.apiKeys.listOrganizationApiKeys({ organizationId: org.id })).data, [], "an organization's list has its own keys, not its members'");

    const valid = await w.apiKeys.createValidation({ value: key.value });
    assert.deepEqual(valid.apiKey?.owner, { type: 'user', id: user.id, organizationId: org.id });

    const later = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await e.http('POST', `/api_keys/${otherKey.id}/expire`, { key: true, body: { expires_at: later } });
    assert.equal(scheduled.status, 200, scheduled.text);
    assert.equal((scheduled.json as { expires_at?: string }).expires_at, later);
    assert.ok((await w.apiKeys.createValidation({ value: otherKey.value })).apiKey, 'an expiry in the future leaves the key valid until then');

    const expired = await e.http('POST', `/api_keys/${key.id}/expire`, { key: true, body: {} });
    assert.equal(expired.status, 200, expired.text);
    assert.ok((expired.json as { expires_at?: string }).expires_at);
    assert.equal((await w.apiKeys.createValidation({ value: key.value })).apiKey, null, 'an expired key no longer validates');
    assert.equal((await w.userManagement.listUserApiKeys(user.id, { organizationId: org.id })).data.length, 1, 'an expired key stays listed');

    await expectSdkError(w.userManagement.createUserApiKey('user_01HZZZZZZZZZZZZZZZZZZZZZZZ', { name: 'x', organizationId: org.id }), NotFoundException, 404);
    await expectSdkError(w.userManagement.createUserApiKey(user.id, { name: 'past', organizationId: org.id, expiresAt: new Date(Date.now() - 1000) }), UnprocessableEntityException, 422);
  });

  test('keys never outlive their owner: membership deleted or deactivated, user deleted, organization deleted', async () => {
    const org = await w.organizations.createOrganization({ name: `Lifecycle ${tag}` });
    const users = await Promise.all(['l1', 'l2', 'l3'].map((n) => w.userManagement.createUser({ email: `${n}-${tag}@example.com` })));
    const ms = await Promise.all(users.map((u) => w.userManagement.createOrganizationMembership({ organizationId: org.id, userId: u.id })));
    const keys = await Promise.all(users.map((u) => w.userManagement.createUserApiKey(u.id, { name: 'k', organizationId: org.id })));
    const orgKey = await w.apiKeys.createOrganizationApiKey({ organizationId: org.id, name: 'org' });
    const valid = async (value: string) => (await w.apiKeys.createValidation({ value })).apiKey !== null;
    for (const k of [...keys, orgKey]) assert.ok(await valid(k.value));

    await w.userManagement.deleteOrganizationMembership(ms[0]!.id);
    assert.equal(await valid(keys[0]!.value), false, 'a deleted membership takes its user keys');
    await w.userManagement.deactivateOrganizationMembership(ms[1]!.id);
    assert.equal(await valid(keys[1]!.value), false, 'a deactivated membership takes its user keys');
    await w.userManagement.reactivateOrganizationMembership(ms[1]!.id);
    assert.equal(await valid(keys[1]!.value), false, 'reactivation does not bring them back');
    await w.userManagement.deleteUser(users[2]!.id);
    assert.equal(await valid(keys[2]!.value), false, 'a deleted user takes its keys');
    assert.ok(await valid(orgKey.value));

    await w.organizations.deleteOrganization(org.id);
    // Identity learns of the deletion from the organizations topic.
    await waitFor(async () => ((await valid(orgKey.value)) ? undefined : true), { timeoutMs: 30_000, message: "the deleted organization's key to stop validating" });
    const revoked = await waitForEvents(w, ['api_key.revoked'], (all) => [...keys, orgKey].every((k) => all.some((ev) => (ev.data as { id?: string }).id === k.id)));
    assert.ok(revoked.length >= 4);
  });

  test('permissions must exist in the authorization catalogue', async () => {
    const org = await w.organizations.createOrganization({ name: `Perms ${tag}` });
    const err = await expectSdkError(w.apiKeys.createOrganizationApiKey({ organizationId: org.id, name: 'x', permissions: ['nope:nothing'] }), UnprocessableEntityException, 422);
    assert.match(err.message, /permission_not_found/);
    assert.deepEqual((await w.apiKeys.listOrganizationApiKeys({ organizationId: org.id })).data, [], 'nothing was written');
  });

  test('a repeated validation is answered by the gateway for under 1 s: a revocation holds at once through the gateway that carried it, and within API_KEY_VALIDATION_CACHE_MS at another replica', async () => {
    const org = await w.organizations.createOrganization({ name: `Edge ${tag}` });
    const { value, id } = await w.apiKeys.createOrganizationApiKey({ organizationId: org.id, name: 'edge' });
    const adminPort = e.stack.gatewayAdminPort + 400;
    const replica = await e.stack.spawnReplica('api-gateway', e.port + 400, { ADMIN_PORT: String(adminPort) });
    try {
      const atReplica = e.client(undefined, { port: e.port + 400 });
      const hits = async (port: number) => Number(/^gateway_validation_cache_hits_total (\d+)/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1] ?? 0);
      for (const [client, port] of [[w, e.stack.gatewayAdminPort], [atReplica, adminPort]] as const) {
        const before = await hits(port);
        assert.equal((await client.apiKeys.createValidation({ value })).apiKey?.id, id);
        assert.equal((await client.apiKeys.createValidation({ value })).apiKey?.id, id);
        assert.equal(await hits(port), before + 1, 'the second validation never left the gateway');
      }
      await w.apiKeys.deleteApiKey(id);
      const revokedAt = Date.now();
      assert.equal((await w.apiKeys.createValidation({ value })).apiKey, null, 'the gateway that carried the revocation dropped its answer');
      await waitFor(async () => ((await atReplica.apiKeys.createValidation({ value })).apiKey === null ? true : undefined), { timeoutMs: 5_000, intervalMs: 10, message: 'the other gateway to refuse the key' });
      const took = Date.now() - revokedAt;
      assert.ok(took < 1000, `the other gateway refused the revoked key after ${took} ms (bound: API_KEY_VALIDATION_CACHE_MS, 500 ms)`);
    } finally {
      await replica.kill();
    }
  });

  test('isolation: a key validates only as its own organization, and never in another environment', async () => {
    const a = await w.organizations.createOrganization({ name: `A ${tag}` });
    const b = await w.organizations.createOrganization({ name: `B ${tag}` });
    const keyA = await w.apiKeys.createOrganizationApiKey({ organizationId: a.id, name: 'a' });
    const keyB = await w.apiKeys.createOrganizationApiKey({ organizationId: b.id, name: 'b' });
    assert.equal((await w.apiKeys.createValidation({ value: keyA.value })).apiKey?.owner.id, a.id);
    assert.equal((await w.apiKeys.createValidation({ value: keyB.value })).apiKey?.owner.id, b.id);

    const envB = await e.createEnvironment(`api-keys-b-${tag}`);
    const wb = e.client(envB.api_key);
    // Warm this environment's cache first: a cached entry must not answer for another environment.
    assert.ok((await w.apiKeys.createValidation({ value: keyA.value })).apiKey);
    assert.equal((await wb.apiKeys.createValidation({ value: keyA.value })).apiKey, null);
    await expectSdkError(wb.apiKeys.deleteApiKey(keyA.id), NotFoundException, 404);
    await expectSdkError(wb.apiKeys.listOrganizationApiKeys({ organizationId: a.id }), NotFoundException, 404);
    await expectSdkError(wb.apiKeys.createOrganizationApiKey({ organizationId: a.id, name: 'x' }), NotFoundException, 404);
    assert.ok((await w.apiKeys.createValidation({ value: keyA.value })).apiKey, 'still valid in its own environment');
  });

  test('bad input: 4xx with WorkOS bodies, nothing written', async () => {
    const org = await w.organizations.createOrganization({ name: `Bad ${tag}` });
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api_keys/validations', {}, 422],
      ['POST', '/api_keys/validations', { value: 42 }, 422],
      ['POST', '/api_keys/validations', { value: '' }, 422],
      ['POST', '/api_keys/validations', { value: 'x'.repeat(300) }, 422],
      ['POST', '/api_keys/validations', { value: 'sk_ak_x', extra: 1 }, 422],
      ['POST', `/organizations/${org.id}/api_keys`, {}, 422],
      ['POST', `/organizations/${org.id}/api_keys`, { name: '' }, 422],
      ['POST', `/organizations/${org.id}/api_keys`, { name: 'x'.repeat(257) }, 422],
      ['POST', `/organizations/${org.id}/api_keys`, { name: 'x', permissions: 'all' }, 422],
      ['POST', `/organizations/${org.id}/api_keys`, { name: 'x', permissions: ['has space'] }, 422],
      ['POST', `/organizations/${org.id}/api_keys`, { name: 'x', owner: 'me' }, 422],
      ['POST', '/organizations/org_01HZZZZZZZZZZZZZZZZZZZZZZZ/api_keys', { name: 'x' }, 404],
      ['POST', '/organizations/not-an-id/api_keys', { name: 'x' }, 404],
      ['GET', `/organizations/${org.id}/api_keys?limit=1000`, undefined, 422],
      ['DELETE', '/api_keys/not-an-id', undefined, 404],
      ['DELETE', '/api_keys/api_key_01HZZZZZZZZZZZZZZZZZZZZZZZ', undefined, 404],
      ['POST', '/api_keys/api_key_01HZZZZZZZZZZZZZZZZZZZZZZZ/expire', {}, 404],
      ['POST', `/organizations/${org.id}/api_keys`, { name: 'x', expires_at: 'tomorrow' }, 422],
      ['POST', `/organizations/${org.id}/api_keys`, { name: 'x', expires_at: '2001-01-01T00:00:00Z' }, 422],
    ];
    for (const [method, path, json, status] of cases) {
      const r = await e.http(method, path, { key: true, ...(json === undefined ? {} : { body: json }) });
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(json)}: ${r.status} ${r.text}`);
      assert.equal(typeof (r.json as { message?: unknown } | undefined)?.message, 'string', `${method} ${path}: WorkOS error body`);
    }
    const unknown = await e.http('POST', '/api_keys/validations', { key: true, body: { value: 'sk_ak_' + 'A'.repeat(43) } });
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.json, { api_key: null });
    assert.deepEqual((await w.apiKeys.listOrganizationApiKeys({ organizationId: org.id })).data, []);
    assert.equal((await e.http('POST', '/api_keys/validations', { body: { value: "x" } })).status, 401, 'the route needs the platform API key');
  });

  test('Idempotency-Key: a retried create creates no second key, and its one-time value is never replayed (409 naming the key)', async () => {
    const org = await w.organizations.createOrganization({ name: `Idem ${tag}` });
    const one = await w.apiKeys.createOrganizationApiKey({ organizationId: org.id, name: 'retry' }, { idempotencyKey: `k-${tag}` });
    const two = await expectSdkError(w.apiKeys.createOrganizationApiKey({ organizationId: org.id, name: 'retry' }, { idempotencyKey: `k-${tag}` }), ConflictException, 409);
    assert.match(two.message, new RegExp(`api_key '${one.id}'`));
    assert.ok(!two.message.includes(one.value), 'the value is not in the answer');
    assert.equal((await w.apiKeys.listOrganizationApiKeys({ organizationId: org.id })).data.length, 1);
  });
});
