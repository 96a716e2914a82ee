import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NotFoundException, UnprocessableEntityException, type EventName, type FlagChange, type WorkOS } from '@workos-inc/node';
import { OpenFeature } from '@openfeature/server-sdk';
import { WorkOSFeatureFlagsProvider } from '@wos/openfeature-provider';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { ROOT, startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';
import { sseReader } from '../support/sse';
import { StreamFaultProxy } from '../support/stream-fault-proxy';

const FLAG_EVENTS: EventName[] = ['flag.created', 'flag.updated', 'flag.deleted', 'flag.rule_updated'];

describe('Feature flags through the WorkOS SDK', () => {
  let e: E2e;
  let w: WorkOS;
  let other: WorkOS;
  let otherKey: string;
  const tag = uniqueSuffix();
  let orgId: string;
  let userId: string;
  const email = `flags-${tag}@example.com`;
  const password = `pw-${tag}-Secret!42`;

  /** Our management extension (the SDK has no create/update/delete). */
  const create = async (slug: string, body: Record<string, unknown> = {}, key: string | true = true) => {
    const res = await e.http('POST', '/feature-flags', { key, body: { slug, ...body } });
    assert.equal(res.status, 201, res.text);
    return res.json as { id: string; slug: string };
  };
  const openStream = (key = e.creds.api_key) => fetch(`${e.baseUrl}/sdk/feature-flags/stream`, { headers: { authorization: `Bearer ${key}` } });
  const streamsOpen = async () => {
    const res = await fetch(`http://127.0.0.1:${e.stack.port('organizations')}/metrics`);
    return Number(/^feature_flag_streams_open (\d+)/m.exec(await res.text())?.[1] ?? NaN);
  };

  before(async () => {
    e = await startE2e({ name: 'feature_flags_sdk', portOffset: 7500, apps: ['organizations', 'events', 'identity'] });
    w = e.workos;
    const env = await e.createEnvironment(`flags-other-${tag}`);
    otherKey = env.api_key;
    other = e.client(otherKey);
    orgId = (await w.organizations.createOrganization({ name: `Flags ${tag}` })).id;
    userId = (await w.userManagement.createUser({ email, password, emailVerified: true })).id;
    await w.userManagement.createOrganizationMembership({ organizationId: orgId, userId });
  });
  after(async () => {
    await OpenFeature.close();
    await e?.stop();
  });

  test('all eight SDK methods: list (paginated), get, enable, disable, add and remove targets, organization and user lists', async () => {
    const ff = w.featureFlags;
    await create('checkout-v2', { name: 'Checkout v2', description: 'The new checkout', tags: ['checkout', 'web'] });
    for (let i = 0; i < 11; i++) await create(`bulk-${i}`);
    const first = await ff.listFeatureFlags({ limit: 5 });
    assert.equal(first.data.length, 5);
    const all = await (await ff.listFeatureFlags()).autoPagination();
    assert.equal(all.length, 12);
    assert.equal(new Set(all.map((f) => f.id)).size, 12);

    const flag = await ff.getFeatureFlag('checkout-v2');
    assert.equal(flag.object, 'feature_flag');
    assert.match(flag.id, /^flag_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.deepEqual([flag.name, flag.slug, flag.description, flag.tags, flag.enabled, flag.defaultValue], ['Checkout v2', 'checkout-v2', 'The new checkout', ['checkout', 'web'], false, false]);
    assert.ok(!Number.isNaN(Date.parse(flag.createdAt)) && !Number.isNaN(Date.parse(flag.updatedAt)));

    assert.equal((await ff.enableFeatureFlag('checkout-v2')).enabled, true);
    await ff.addFlagTarget({ slug: 'checkout-v2', targetId: orgId });
    await ff.addFlagTarget({ slug: 'checkout-v2', targetId: userId });
    assert.deepEqual((await (await ff.listOrganizationFeatureFlags({ organizationId: orgId })).autoPagination()).map((f) => f.slug), ['checkout-v2']);
    assert.deepEqual((await ff.listUserFeatureFlags({ userId })).data.map((f) => f.slug), ['checkout-v2']);
    await ff.removeFlagTarget({ slug: 'checkout-v2', targetId: userId });
    // Still on for the user through the organization the user is a member of (WorkOS lists both).
    assert.deepEqual((await ff.listUserFeatureFlags({ userId })).data.map((f) => f.slug), ['checkout-v2']);
    assert.equal((await ff.disableFeatureFlag('checkout-v2')).enabled, false);
    assert.deepEqual((await ff.listOrganizationFeatureFlags({ organizationId: orgId })).data, []);
    assert.deepEqual((await ff.listUserFeatureFlags({ userId })).data, []);

    const events = await waitForEvents(w, FLAG_EVENTS, (evs) => evs.some((ev) => ev.event === 'flag.updated' && (ev.data as { enabled?: boolean; slug?: string }).slug === 'checkout-v2' && !(ev.data as { enabled: boolean }).enabled));
    const mine = events.filter((ev) => (ev.data as { slug: string }).slug === 'checkout-v2').map((ev) => ev.event);
    assert.deepEqual(mine, ['flag.created', 'flag.updated', 'flag.rule_updated', 'flag.rule_updated', 'flag.rule_updated', 'flag.updated']);
    const created = events.find((ev) => ev.event === 'flag.created' && (ev.data as { slug: string }).slug === 'checkout-v2')!;
    assert.equal((created.data as { defaultValue: boolean }).defaultValue, false); // the SDK deserialised the feature_flag payload
  });

  test('management extension: PATCH and DELETE with their events; bad input is a WorkOS-shaped 4xx', async () => {
    await create('to-delete', { tags: ['tmp'] });
    const patched = await e.http('PATCH', '/feature-flags/to-delete', { key: true, body: { name: 'Renamed', default_value: true } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((patched.json as { name: string }).name, 'Renamed');
    assert.equal((await e.http('DELETE', '/feature-flags/to-delete', { key: true })).status, 204);
    await expectSdkError(w.featureFlags.getFeatureFlag('to-delete'), NotFoundException, 404);
    await waitForEvents(w, ['flag.deleted'], (evs) => evs.some((ev) => (ev.data as { slug: string }).slug === 'to-delete'));

    await expectSdkError(w.featureFlags.getFeatureFlag('Not A Slug'), NotFoundException, 404);
    await expectSdkError(w.featureFlags.enableFeatureFlag('no-such-flag'), NotFoundException, 404);
    await expectSdkError(w.featureFlags.addFlagTarget({ slug: 'checkout-v2', targetId: 'conn_01HZBC6N1EB1ZY7KG32XAAAAAA' }), UnprocessableEntityException, 422);
    await expectSdkError(w.featureFlags.addFlagTarget({ slug: 'checkout-v2', targetId: 'org_01HZBC6N1EB1ZY7KG32XAAAAAA' }), NotFoundException, 404);
    await expectSdkError(w.featureFlags.listOrganizationFeatureFlags({ organizationId: 'org_01HZBC6N1EB1ZY7KG32XAAAAAA' }), NotFoundException, 404);
    // A user identity has never known (a typo'd ID) is a 404 too, and nothing is written.
    const versionBefore = (await e.http('GET', '/sdk/feature-flags', { key: true })).headers.etag;
    const ghost = await expectSdkError(w.featureFlags.addFlagTarget({ slug: 'checkout-v2', targetId: 'user_01HZBC6N1EB1ZY7KG32XAAAAAA' }), NotFoundException, 404);
    assert.match(ghost.message, /user_01HZBC6N1EB1ZY7KG32XAAAAAA/);
    assert.equal((await e.http('GET', '/sdk/feature-flags', { key: true })).headers.etag, versionBefore, 'no change was made');
    await expectSdkError(w.featureFlags.listUserFeatureFlags({ userId: 'user_01HZBC6N1EB1ZY7KG32XAAAAAA' }), NotFoundException, 404);
    for (const body of [{ slug: 'UPPER' }, { slug: 'x'.repeat(129) }, { slug: 'ok', name: 'n'.repeat(256) }, { slug: 'ok', tags: 'web' }, { slug: 'ok', description: 'd'.repeat(2001) }, { slug: 'checkout-v2' }]) {
      const res = await e.http('POST', '/feature-flags', { key: true, body });
      assert.ok(res.status === 422 || res.status === 409, `${JSON.stringify(body).slice(0, 60)}: ${res.status}`);
      assert.equal(typeof (res.json as { message: string }).message, 'string');
    }
    // A retried create with its Idempotency-Key replays the first answer instead of a slug conflict.
    const first = await e.http('POST', '/feature-flags', { key: true, body: { slug: 'idem-flag' }, headers: { 'idempotency-key': `idem-${tag}` } });
    const replay = await e.http('POST', '/feature-flags', { key: true, body: { slug: 'idem-flag' }, headers: { 'idempotency-key': `idem-${tag}` } });
    assert.deepEqual([first.status, replay.status, replay.headers['idempotent-replayed']], [201, 201, 'true']);
    assert.equal((replay.json as { id: string }).id, (first.json as { id: string }).id);
    // The underscore spelling is served as the canonical route.
    const aliased = await e.http('GET', '/feature_flags/checkout-v2', { key: true });
    assert.equal(aliased.status, 200, aliased.text);
  });

  // Issue 23: the underscore spelling, through plain HTTP, against the real service (not a stand-in).
  test('/feature_flags/{slug}/targets/{id} adds and removes a target exactly as /feature-flags/… does', async () => {
    await create('alias-targets');
    assert.equal((await w.featureFlags.enableFeatureFlag('alias-targets')).enabled, true);
    const userFlags = async () => (await w.featureFlags.listUserFeatureFlags({ userId })).data.map((f) => f.slug).filter((s) => s === 'alias-targets');
    const call = async (method: 'POST' | 'DELETE', spelling: 'feature_flags' | 'feature-flags') => {
      const res = await e.http(method, `/${spelling}/alias-targets/targets/${userId}`, { key: true, ...(method === 'POST' ? { body: {} } : {}) });
      assert.ok(res.status < 300, `${method} /${spelling}: ${res.status} ${res.text}`);
      return { status: res.status, body: res.text };
    };
    const viaAlias = { add: await call('POST', 'feature_flags') };
    assert.deepEqual(await userFlags(), ['alias-targets'], 'the alias added the target');
    Object.assign(viaAlias, { remove: await call('DELETE', 'feature_flags') });
    assert.deepEqual(await userFlags(), [], 'the alias removed it');
    const viaCanonical = { add: await call('POST', 'feature-flags') };
    assert.deepEqual(await userFlags(), ['alias-targets']);
    Object.assign(viaCanonical, { remove: await call('DELETE', 'feature-flags') });
    assert.deepEqual(await userFlags(), []);
    assert.deepEqual(viaAlias, viaCanonical, 'the same answers through both spellings');
    // Same authentication and the same 404 for an unknown flag.
    assert.equal((await e.http('POST', `/feature_flags/alias-targets/targets/${userId}`, { body: {} })).status, 401);
    const missing = [await e.http('POST', `/feature_flags/no-such-flag/targets/${userId}`, { key: true, body: {} }), await e.http('POST', `/feature-flags/no-such-flag/targets/${userId}`, { key: true, body: {} })];
    assert.deepEqual(missing.map((r) => [r.status, (r.json as { code: string }).code]), [[404, 'entity_not_found'], [404, 'entity_not_found']]);
    await w.featureFlags.disableFeatureFlag('alias-targets');
  });

  test("another environment's key sees, enables and targets none of this environment's flags", async () => {
    assert.deepEqual((await other.featureFlags.listFeatureFlags()).data, []);
    await expectSdkError(other.featureFlags.getFeatureFlag('checkout-v2'), NotFoundException, 404);
    await expectSdkError(other.featureFlags.enableFeatureFlag('checkout-v2'), NotFoundException, 404);
    await expectSdkError(other.featureFlags.addFlagTarget({ slug: 'checkout-v2', targetId: userId }), NotFoundException, 404);
    await expectSdkError(other.featureFlags.listOrganizationFeatureFlags({ organizationId: orgId }), NotFoundException, 404);
    const poll = await e.http('GET', '/sdk/feature-flags', { key: otherKey });
    assert.deepEqual(poll.json, {});
    await create('checkout-v2', { enabled: true }, otherKey); // the same slug is free in another environment
    assert.equal((await w.featureFlags.getFeatureFlag('checkout-v2')).enabled, false);
    const res = await e.http('POST', `/feature-flags/checkout-v2/targets/${orgId}`, { key: otherKey, body: {} });
    assert.equal(res.status, 404, res.text);
  });

  test('the runtime payload through the gateway: a strong ETag, 304 when unchanged, 200 after a change', async () => {
    const first = await e.http('GET', '/sdk/feature-flags', { key: true });
    assert.equal(first.status, 200);
    assert.match(first.contentType, /application\/json/);
    const etag = first.headers.etag as string;
    assert.match(etag, /^"\d+-[A-Za-z0-9_-]{22}"$/);
    assert.deepEqual((first.json as Record<string, unknown>)['checkout-v2'], { slug: 'checkout-v2', enabled: false, default_value: false, targets: { users: [], organizations: [{ id: orgId, enabled: true }] } });
    const again = await e.http('GET', '/sdk/feature-flags', { key: true, headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.etag, etag);
    assert.equal(again.text, '');
    await w.featureFlags.enableFeatureFlag('bulk-0');
    const changed = await waitFor(async () => {
      const r = await e.http('GET', '/sdk/feature-flags', { key: true, headers: { 'if-none-match': etag } });
      return r.status === 200 && r;
    }, { timeoutMs: 2_000, intervalMs: 20 });
    assert.notEqual(changed.headers.etag, etag);
    assert.equal((changed.json as Record<string, { enabled: boolean }>)['bulk-0']!.enabled, true);
  });

  test("the SDK's runtime client evaluates locally and picks up a change within its poll interval", async () => {
    const client = w.featureFlags.createRuntimeClient({ pollingIntervalMs: 5_000 });
    try {
      await client.waitUntilReady({ timeoutMs: 10_000 });
      assert.equal(client.isEnabled('checkout-v2', { organizationId: orgId }), false);
      const changes: FlagChange[] = [];
      client.on('change', (c) => changes.push(c));
      await w.featureFlags.enableFeatureFlag('checkout-v2');
      const started = Date.now();
      await waitFor(() => client.isEnabled('checkout-v2', { organizationId: orgId }), { timeoutMs: 8_000, intervalMs: 50 });
      assert.ok(Date.now() - started < 7_000, 'within one poll interval (5 s, ±10 % jitter)');
      assert.equal(client.isEnabled('checkout-v2', { userId }), false);
      assert.equal(client.isEnabled('checkout-v2', { organizationId: 'org_other' }), false);
      assert.ok(changes.some((c) => c.key === 'checkout-v2' && c.current?.enabled === true));
    } finally {
      client.close();
    }
  });

  test('the event stream through the gateway delivers a change in under a second and ends with its client', async () => {
    const res = await openStream();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    const stream = sseReader(res);
    const initial = await stream.next();
    assert.equal(initial.event, 'flags');
    assert.equal(initial.data['checkout-v2'].enabled, true);
    await waitFor(async () => (await streamsOpen()) === 1);

    for (const enable of [false, true]) {
      const started = Date.now();
      await (enable ? w.featureFlags.enableFeatureFlag('bulk-1') : w.featureFlags.addFlagTarget({ slug: 'bulk-1', targetId: userId }));
      const pushed = await stream.next(1_000);
      assert.ok(Date.now() - started < 1_000, `pushed after ${Date.now() - started} ms`);
      assert.ok(BigInt(pushed.id!) > BigInt(initial.id!));
      assert.deepEqual(pushed.data['bulk-1'].enabled, enable);
    }
    await stream.close();
    await waitFor(async () => (await streamsOpen()) === 0, { timeoutMs: 10_000, message: 'the upstream stream ends with its client' });

    const bad = await openStream('sk_test_not_a_key');
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { code: string }).code, 'unauthorized');
  });

  test('OpenFeature provider: details with reasons, variants and metadata, fed by the stream', async () => {
    await create('of-static-on', { enabled: true, default_value: true });
    await create('of-targeted', { enabled: true });
    await w.featureFlags.addFlagTarget({ slug: 'of-targeted', targetId: userId });
    const provider = new WorkOSFeatureFlagsProvider({ workos: w, pollingIntervalMs: 60_000 });
    await OpenFeature.setProviderAndWait('flags-e2e', provider);
    const client = OpenFeature.getClient('flags-e2e');
    await waitFor(() => provider.source === 'stream', { timeoutMs: 5_000 });

    const targeted = await client.getBooleanDetails('of-targeted', false, { targetingKey: userId, organizationId: orgId });
    assert.deepEqual([targeted.value, targeted.variant, targeted.reason], [true, 'on', 'TARGETING_MATCH']);
    assert.deepEqual(targeted.flagMetadata.source, 'stream');
    const untargeted = await client.getBooleanDetails('of-targeted', true, { targetingKey: 'user_someone_else' });
    assert.deepEqual([untargeted.value, untargeted.reason], [false, 'DEFAULT']);
    const statik = await client.getBooleanDetails('of-static-on', false, {});
    assert.deepEqual([statik.value, statik.reason], [true, 'STATIC']);
    const missing = await client.getBooleanDetails('of-missing', true, {});
    assert.deepEqual([missing.value, missing.reason, missing.errorCode], [true, 'ERROR', 'FLAG_NOT_FOUND']);
    const wrongType = await client.getStringDetails('of-targeted', 'x', {});
    assert.equal(wrongType.errorCode, 'TYPE_MISMATCH');

    // A change reaches evaluations through the stream, long before the 60 s poll.
    await w.featureFlags.disableFeatureFlag('of-targeted');
    const started = Date.now();
    const disabled = await waitFor(async () => {
      const d = await client.getBooleanDetails('of-targeted', true, { targetingKey: userId });
      return d.reason === 'DISABLED' && d;
    }, { timeoutMs: 2_000, intervalMs: 10 });
    assert.ok(Date.now() - started < 1_000);
    assert.deepEqual([disabled.value, disabled.variant], [false, 'off']);
  });

  test('OpenFeature provider: with its stream unavailable or dropped, evaluations keep following the polls; it streams again once it can', async () => {
    const proxy = new StreamFaultProxy(e.port);
    const viaProxy = e.client(e.creds.api_key, { port: await proxy.start() });
    await create('of-fallback', { enabled: true, default_value: true });
    const provider = new WorkOSFeatureFlagsProvider({ workos: viaProxy, pollingIntervalMs: 5_000 });
    try {
      await OpenFeature.setProviderAndWait('flags-fallback', provider);
      const client = OpenFeature.getClient('flags-fallback');
      await waitFor(() => provider.source === 'stream', { timeoutMs: 5_000 });
      const evaluated = (expected: boolean, source: 'poll' | 'stream', timeoutMs: number) =>
        waitFor(async () => {
          const d = await client.getBooleanDetails('of-fallback', !expected, { targetingKey: userId });
          return d.value === expected && d.flagMetadata.source === source && d;
        }, { timeoutMs, intervalMs: 50, message: `of-fallback ${expected} from the ${source}` });
      await evaluated(true, 'stream', 2_000);

      // The stream is dropped and cannot come back: evaluations go on from the SDK's polls.
      proxy.mode = 'unavailable';
      proxy.dropStreams();
      await waitFor(() => provider.source === 'poll', { timeoutMs: 5_000 });
      const polls = proxy.count('/sdk/feature-flags');
      for (const expected of [false, true]) {
        await (expected ? w.featureFlags.enableFeatureFlag('of-fallback') : w.featureFlags.disableFeatureFlag('of-fallback'));
        const started = Date.now();
        await evaluated(expected, 'poll', 8_000);
        assert.ok(Date.now() - started < 7_000, `within one poll interval (5 s, ±10 % jitter): ${Date.now() - started} ms`);
      }
      assert.ok(proxy.count('/sdk/feature-flags') > polls, 'the polls went on');
      const reconnects = proxy.count('/sdk/feature-flags/stream');
      assert.ok(reconnects >= 2, `the provider kept trying the stream (${reconnects} requests)`);

      // The stream is back: the provider reconnects (backoff at most 30 s) and changes arrive in under a second again.
      proxy.mode = 'pass';
      await waitFor(() => provider.source === 'stream', { timeoutMs: 35_000, intervalMs: 50, message: 'the stream reconnected' });
      await w.featureFlags.disableFeatureFlag('of-fallback');
      const started = Date.now();
      await evaluated(false, 'stream', 2_000);
      assert.ok(Date.now() - started < 1_000, `pushed after ${Date.now() - started} ms`);
    } finally {
      await provider.onClose();
      await proxy.stop();
    }
  });

  test('OpenFeature provider: a server without the stream (404) is asked once; polling alone carries evaluations', async () => {
    const proxy = new StreamFaultProxy(e.port);
    proxy.mode = 'missing';
    const viaProxy = e.client(e.creds.api_key, { port: await proxy.start() });
    await create('of-no-stream', { enabled: false });
    const provider = new WorkOSFeatureFlagsProvider({ workos: viaProxy, pollingIntervalMs: 5_000 });
    try {
      await OpenFeature.setProviderAndWait('flags-no-stream', provider);
      const client = OpenFeature.getClient('flags-no-stream');
      assert.equal((await client.getBooleanDetails('of-no-stream', true, {})).reason, 'DISABLED');
      await w.featureFlags.enableFeatureFlag('of-no-stream');
      await w.featureFlags.addFlagTarget({ slug: 'of-no-stream', targetId: userId });
      const details = await waitFor(async () => {
        const d = await client.getBooleanDetails('of-no-stream', false, { targetingKey: userId });
        return d.reason === 'TARGETING_MATCH' && d;
      }, { timeoutMs: 8_000, intervalMs: 50, message: 'the change from a poll' });
      assert.deepEqual([details.value, details.flagMetadata.source, provider.source], [true, 'poll', 'poll']);
      // Over a poll interval the stream, whose first retry would come after 1 s, was never asked again.
      assert.ok(proxy.count('/sdk/feature-flags') >= 2, 'polled at least twice');
      assert.equal(proxy.count('/sdk/feature-flags/stream'), 1, 'the 404 stopped the stream');
    } finally {
      await provider.onClose();
      await proxy.stop();
    }
  });

  test('wos feature-flags: create, list, enable, target add and remove, disable, delete', async () => {
    const wos = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'tools', 'wos.mjs'), 'feature-flags', ...args, '--api-url', e.baseUrl, '--api-key', e.creds.api_key, '--json'], { env: { PATH: process.env.PATH } });
      return JSON.parse(stdout) as Record<string, any>;
    };
    const created = await wos('create', 'cli-flag', '--name', 'From the CLI', '--tag', 'ops', '--tag', 'cli', '--default-value', 'false');
    assert.deepEqual([created.slug, created.name, created.tags, created.enabled], ['cli-flag', 'From the CLI', ['ops', 'cli'], false]);
    assert.ok((await wos('list')).data.some((f: { slug: string }) => f.slug === 'cli-flag'));
    assert.equal((await wos('enable', 'cli-flag')).enabled, true);
    assert.deepEqual(await wos('target', 'add', 'cli-flag', orgId), { slug: 'cli-flag', target_id: orgId, targeted: true });
    assert.deepEqual((await w.featureFlags.listOrganizationFeatureFlags({ organizationId: orgId })).data.map((f) => f.slug).includes('cli-flag'), true);
    await wos('target', 'remove', 'cli-flag', orgId);
    assert.equal((await wos('update', 'cli-flag', '--description', 'updated')).description, 'updated');
    assert.equal((await wos('disable', 'cli-flag')).enabled, false);
    assert.deepEqual(await wos('delete', 'cli-flag'), { id: 'cli-flag', deleted: true });
    await expectSdkError(w.featureFlags.getFeatureFlag('cli-flag'), NotFoundException, 404);
    await assert.rejects(wos('target', 'add', 'no-such-flag', orgId), /404/);
  });

  test('access tokens carry feature_flags: the slugs on for the session organization and user', async () => {
    await create('token-org', { enabled: true });
    await w.featureFlags.addFlagTarget({ slug: 'token-org', targetId: orgId });
    await create('token-user', { enabled: true });
    await w.featureFlags.addFlagTarget({ slug: 'token-user', targetId: userId });
    await create('token-everyone', { enabled: true, default_value: true });
    await create('token-off', { enabled: false, default_value: true });
    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { org_id: string; feature_flags: string[] };
    const claims = await waitFor(async () => {
      const auth = await w.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email, password });
      const c = claimsOf(auth.accessToken);
      return c.feature_flags.includes('token-user') && c;
    }, { timeoutMs: 20_000, intervalMs: 500, message: 'the new flags in a token (identity caches claims for 10 s)' });
    assert.equal(claims.org_id, orgId);
    for (const slug of ['token-org', 'token-user', 'token-everyone', 'checkout-v2', 'of-static-on']) assert.ok(claims.feature_flags.includes(slug), slug);
    assert.ok(!claims.feature_flags.includes('token-off'));
    assert.ok(!claims.feature_flags.includes('of-targeted')); // disabled above
  });
  test('a session without an organization carries the flags on for its user', async () => {
    const soloEmail = `flags-solo-${tag}@example.com`;
    const solo = (await w.userManagement.createUser({ email: soloEmail, password, emailVerified: true })).id;
    await create('token-solo', { enabled: true });
    await w.featureFlags.addFlagTarget({ slug: 'token-solo', targetId: solo });
    const claims = await waitFor(async () => {
      const auth = await w.userManagement.authenticateWithPassword({ clientId: e.creds.client_id, email: soloEmail, password });
      assert.equal(auth.organizationId, undefined);
      const c = JSON.parse(Buffer.from(auth.accessToken.split('.')[1]!, 'base64url').toString()) as { org_id?: string; feature_flags?: string[] };
      return c.feature_flags?.includes('token-solo') && c;
    }, { timeoutMs: 20_000, intervalMs: 500, message: 'the user-targeted flag in a token without an organization' });
    assert.equal(claims.org_id, undefined);
    assert.ok(claims.feature_flags!.includes('token-everyone'), 'default-on flags apply to everyone');
    assert.ok(!claims.feature_flags!.includes('token-org') && !claims.feature_flags!.includes('token-user'), 'flags targeted at others do not');
  });

  test("listUserFeatureFlags includes the flags of the user's organizations, while the user is an active member", async () => {
    const member = (await w.userManagement.createUser({ email: `flags-member-${tag}@example.com` })).id;
    const [kept, left, deleted, stranger] = await Promise.all(['kept', 'left', 'deleted', 'stranger'].map(async (n) => (await w.organizations.createOrganization({ name: `Flags ${n} ${tag}` })).id));
    const memberships = new Map<string, string>();
    for (const org of [kept!, left!, deleted!]) memberships.set(org, (await w.userManagement.createOrganizationMembership({ organizationId: org, userId: member })).id);
    for (const [slug, target] of [['via-kept', kept!], ['via-left', left!], ['via-deleted', deleted!], ['via-stranger', stranger!], ['via-self', member]] as const) {
      await create(slug, { enabled: true });
      await w.featureFlags.addFlagTarget({ slug, targetId: target });
    }
    /** Every page of two (the SDK's autoPagination returns only the first page when given a limit). */
    const mine = async () => {
      const slugs: string[] = [];
      let after: string | undefined;
      do {
        const page = await w.featureFlags.listUserFeatureFlags({ userId: member, limit: 2, ...(after ? { after } : {}) });
        slugs.push(...page.data.map((f) => f.slug));
        after = page.listMetadata.after ?? undefined;
      } while (after);
      return slugs.filter((s) => s.startsWith('via-')).sort();
    };
    assert.deepEqual(await mine(), ['via-deleted', 'via-kept', 'via-left', 'via-self']);

    await w.userManagement.deleteOrganizationMembership(memberships.get(left!)!);
    assert.deepEqual(await mine(), ['via-deleted', 'via-kept', 'via-self'], 'a removed membership gives nothing at once');
    await w.userManagement.deactivateOrganizationMembership(memberships.get(kept!)!);
    assert.deepEqual(await mine(), ['via-deleted', 'via-self'], 'nor does a deactivated one');
    await w.userManagement.reactivateOrganizationMembership(memberships.get(kept!)!);
    await w.organizations.deleteOrganization(deleted!);
    await waitFor(async () => (await mine()).join() === 'via-kept,via-self' || undefined, { timeoutMs: 30_000, intervalMs: 200, message: "the deleted organization's flags leave the user's list" });
  });

  test('a deleted organization or user leaves every flag it was a target of', async () => {
    const org = (await w.organizations.createOrganization({ name: `Flags leaving ${tag}` })).id;
    const user = (await w.userManagement.createUser({ email: `flags-leaving-${tag}@example.com` })).id;
    await create('leaving-a');
    await create('leaving-b');
    for (const slug of ['leaving-a', 'leaving-b']) {
      await w.featureFlags.addFlagTarget({ slug, targetId: org });
      await w.featureFlags.addFlagTarget({ slug, targetId: user });
    }
    type Payload = Record<string, { targets: { users: { id: string }[]; organizations: { id: string }[] } }>;
    const targetsOf = async (slug: string) => {
      const t = ((await e.http('GET', '/sdk/feature-flags', { key: true })).json as Payload)[slug]!.targets;
      return [...t.organizations, ...t.users].map((x) => x.id).sort();
    };
    assert.deepEqual(await targetsOf('leaving-a'), [org, user].sort());
    await w.organizations.deleteOrganization(org);
    await w.userManagement.deleteUser(user);
    for (const slug of ['leaving-a', 'leaving-b']) {
      await waitFor(async () => (await targetsOf(slug)).length === 0 || undefined, { timeoutMs: 30_000, intervalMs: 100, message: `${slug} without the deleted targets` });
    }
    // Each flag changed twice (once per deleted target), each time with a flag.rule_updated.
    const events = await waitForEvents(w, FLAG_EVENTS, (evs) => evs.filter((ev) => ev.event === 'flag.rule_updated' && (ev.data as { slug: string }).slug === 'leaving-b').length >= 4);
    assert.equal(events.filter((ev) => ev.event === 'flag.rule_updated' && (ev.data as { slug: string }).slug === 'leaving-b').length, 4, 'two adds, then two removals');
    // Other targets stay.
    assert.ok((await targetsOf('checkout-v2')).includes(orgId));
    // Neither can become a target again (the user's deletion is remembered from its event).
    await expectSdkError(w.featureFlags.addFlagTarget({ slug: 'leaving-a', targetId: user }), NotFoundException, 404);
    await expectSdkError(w.featureFlags.addFlagTarget({ slug: 'leaving-a', targetId: org }), NotFoundException, 404);
    assert.deepEqual(await targetsOf('leaving-a'), []);
  });
});
