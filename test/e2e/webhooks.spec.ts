import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  ConflictException,
  NotFoundException,
  UnprocessableEntityException,
  type CreateWebhookEndpointEvents,
  type WebhookEndpoint,
  type WorkOS,
} from '@workos-inc/node';
import { waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, type E2e } from '../support/e2e-stack';
import { WebhookReceiver, type Behaviour, type ReceivedDelivery } from '../support/webhook-receiver';

const ok: Behaviour = () => ({ status: 200 });
const failFirst = (n: number): Behaviour => (i) => ({ status: i <= n ? 500 : 200 });
type Ev = CreateWebhookEndpointEvents;

/**
 * Webhooks end to end: the official SDK registers endpoints through the gateway, the
 * organizations service emits real events through its outbox and Kafka, and a receiver on
 * loopback checks every delivery with the SDK's own `webhooks.constructEvent`.
 */
describe('Webhooks through the WorkOS SDK', () => {
  let e: E2e;
  const receiver = new WebhookReceiver();
  /** Every secret ever handed out per receiver path, newest last. */
  const secrets = new Map<string, string[]>();

  before(async () => {
    await receiver.start();
    e = await startE2e({
      name: 'webhooks',
      portOffset: 16000,
      apps: ['organizations', 'events', 'webhook-dispatcher'],
      appEnv: {
        'webhook-dispatcher': {
          KAFKA_GROUP_ID: `webhooks-e2e-${Date.now()}`,
          WEBHOOK_ALLOW_HTTP: 'true',
          // Loopback is refused by default; the test receiver needs it, and only it.
          WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
          WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,500ms,1s,1s,2s,2s,2s,2s,2s',
          WEBHOOK_TIMEOUT: '1s',
          WEBHOOK_RECONCILE_INTERVAL: '500ms',
          WEBHOOK_RECONCILE_GRACE: '1s',
        },
      },
    });
  });
  after(async () => {
    await e?.stop();
    await receiver.stop();
  });

  /** A fresh environment per scenario, so endpoints of one never see another's events. */
  async function environment(): Promise<{ workos: WorkOS; apiKey: string }> {
    const creds = await e.createEnvironment(`webhooks-${Math.random().toString(36).slice(2, 8)}`);
    return { workos: e.client(creds.api_key), apiKey: creds.api_key };
  }

  async function endpoint(workos: WorkOS, path: string, behaviour: Behaviour, events: string[] = ['organization.created']): Promise<WebhookEndpoint> {
    const created = await workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver.on(path, behaviour), events: events as Ev[] });
    secrets.set(path, [created.secret]);
    return created;
  }

  async function createOrgs(workos: WorkOS, n: number, label: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await workos.organizations.createOrganization({ name: `${label} ${i}` })).id);
    return ids;
  }

  /** Verifies a delivery exactly as a receiver would, with the SDK and the endpoint's secret. */
  async function verify(d: ReceivedDelivery, secret = secrets.get(d.path)!.at(-1)!) {
    return e.workos.webhooks.constructEvent({ payload: d.body, sigHeader: d.signature, secret });
  }

  const delivered = (path: string) => new Set(receiver.on2xx(path).map((d) => d.eventId));

  test('endpoint CRUD matches the SDK: create, list with pagination, update, delete', async () => {
    const { workos } = await environment();
    const a = await endpoint(workos, '/crud-a', ok, ['organization.created', 'organization.updated']);
    assert.match(a.id, /^we_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.match(a.secret, /^whsec_/);
    assert.equal(a.object, 'webhook_endpoint');
    assert.equal(a.status, 'enabled');
    assert.equal(a.endpointUrl, receiver.url('/crud-a'));
    assert.deepEqual(a.events, ['organization.created', 'organization.updated']);
    assert.ok(a.createdAt instanceof Date && !Number.isNaN(a.createdAt.getTime()));
    const b = await endpoint(workos, '/crud-b', ok);
    const c = await endpoint(workos, '/crud-c', ok);

    const first = await workos.webhooks.listWebhookEndpoints({ limit: 2 });
    assert.deepEqual(first.data.map((x) => x.id), [c.id, b.id], 'newest first');
    assert.equal(first.data[0]!.secret, c.secret, 'the secret reads back (sealed at rest, opened on read)');
    const second = await workos.webhooks.listWebhookEndpoints({ limit: 2, after: first.listMetadata.after! });
    assert.deepEqual(second.data.map((x) => x.id), [a.id]);
    assert.equal(second.listMetadata.after, null);

    const updated = await workos.webhooks.updateWebhookEndpoint({ id: a.id, status: 'disabled', events: ['organization.deleted'] as Ev[] });
    assert.equal(updated.status, 'disabled');
    assert.deepEqual(updated.events, ['organization.deleted']);
    assert.equal(updated.secret, a.secret);
    assert.ok(updated.updatedAt.getTime() >= a.updatedAt.getTime());
    const moved = await workos.webhooks.updateWebhookEndpoint({ id: a.id, endpointUrl: receiver.url('/crud-a2') });
    assert.equal(moved.endpointUrl, receiver.url('/crud-a2'));
    assert.equal(moved.status, 'disabled', 'fields not sent keep their value');

    await workos.webhooks.deleteWebhookEndpoint({ id: b.id });
    const all = await workos.webhooks.listWebhookEndpoints();
    assert.deepEqual(all.data.map((x) => x.id).sort(), [a.id, c.id].sort());
    await expectSdkError(workos.webhooks.deleteWebhookEndpoint({ id: b.id }), NotFoundException, 404);
  });

  test('bad input gets WorkOS 4xx bodies and writes nothing', async () => {
    const { workos, apiKey } = await environment();
    const bad = async (endpointUrl: string, events: string[] = ['organization.created']) =>
      expectSdkError(workos.webhooks.createWebhookEndpoint({ endpointUrl, events: events as Ev[] }), UnprocessableEntityException, 422);
    await bad('not a url');
    await bad('ftp://example.com/hook');
    await bad('http://10.1.2.3/hook'); // private
    await bad('http://169.254.169.254/latest/meta-data'); // link-local (cloud metadata)
    await bad('http://127.0.0.2/hook'); // loopback outside the configured allow-list
    await bad('http://[::1]/hook'); // IPv6 loopback, not allowed
    await bad('http://[::ffff:10.0.0.1]/hook'); // IPv4-mapped private
    await bad('http://0.0.0.0:1/hook'); // unspecified
    await bad(receiver.url('/bad'), ['organization.exploded']);
    await bad(receiver.url('/bad'), []);
    const raw = await e.http('POST', '/webhook_endpoints', { key: apiKey, body: { endpoint_url: receiver.url('/bad'), events: ['organization.created'], secret: 'mine' } });
    assert.equal(raw.status, 422);
    assert.deepEqual((raw.json as { errors: { field: string; code: string }[] }).errors.map((x) => x.code), ['unknown_field']);
    const notJson = await e.http('POST', '/webhook_endpoints', { key: apiKey, body: '{"endpoint_url":', headers: { 'content-type': 'application/json' } });
    assert.ok(notJson.status >= 400 && notJson.status < 500, `malformed JSON got ${notJson.status}`);
    assert.equal((await workos.webhooks.listWebhookEndpoints()).data.length, 0, 'no partial write');

    const good = await endpoint(workos, '/dupe', ok);
    await expectSdkError(workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver.url('/dupe'), events: ['user.created'] as Ev[] }), ConflictException, 409);
    await expectSdkError(workos.webhooks.updateWebhookEndpoint({ id: good.id, status: 'paused' as never }), UnprocessableEntityException, 422);
    await expectSdkError(workos.webhooks.updateWebhookEndpoint({ id: good.id, endpointUrl: 'http://192.168.1.1/x' }), UnprocessableEntityException, 422);
    await expectSdkError(workos.webhooks.updateWebhookEndpoint({ id: 'we_01ARZ3NDEKTSV4RRFFQ69G5FAV', status: 'enabled' }), NotFoundException, 404);
    await expectSdkError(workos.webhooks.updateWebhookEndpoint({ id: 'not-an-id', status: 'enabled' }), NotFoundException, 404);
    const log = await e.http('GET', `/webhook_endpoints/${good.id}/delivery_attempts?limit=1000`, { key: apiKey });
    assert.equal(log.status, 422);
    const replay = await e.http('POST', `/webhook_endpoints/${good.id}/replays`, { key: apiKey, body: { range_start: '2026-01-02T00:00:00Z', range_end: '2026-01-01T00:00:00Z' } });
    assert.equal(replay.status, 422);
    const redeliver = await e.http('POST', `/webhook_endpoints/${good.id}/redeliveries`, { key: apiKey, body: { event_id: 'event_01ARZ3NDEKTSV4RRFFQ69G5FAV' } });
    assert.equal(redeliver.status, 404);
    const unauth = await e.http('GET', '/webhook_endpoints');
    assert.equal(unauth.status, 401);
  });

  test('every delivery verifies with constructEvent; type filtering; a disabled endpoint gets nothing', async () => {
    const { workos } = await environment();
    const created = await endpoint(workos, '/created', ok, ['organization.created']);
    await endpoint(workos, '/updated', ok, ['organization.updated']);
    const off = await endpoint(workos, '/off', ok, ['organization.created', 'organization.updated']);
    await workos.webhooks.updateWebhookEndpoint({ id: off.id, status: 'disabled' });

    const orgs = await createOrgs(workos, 3, 'Filtered');
    await workos.organizations.updateOrganization({ organization: orgs[0]!, name: 'Renamed' });
    await waitFor(() => delivered('/created').size === 3 && delivered('/updated').size === 1, { timeoutMs: 60_000, message: '3 created + 1 updated deliveries' });

    for (const d of [...receiver.at('/created'), ...receiver.at('/updated')]) {
      const event = await verify(d);
      assert.equal(event.id, d.eventId);
      assert.match(d.signature, /^t=\d{13}, v1=[0-9a-f]{64}$/);
      const body = JSON.parse(d.body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['created_at', 'data', 'event', 'id', 'object'], 'exactly the event object, no internal fields');
      assert.equal(body.object, 'event');
    }
    assert.deepEqual(new Set(receiver.at('/created').map((d) => (JSON.parse(d.body) as { data: { id: string } }).data.id)), new Set(orgs));
    assert.ok(receiver.at('/created').every((d) => d.eventType === 'organization.created'));
    assert.deepEqual(receiver.at('/updated').map((d) => d.eventType), ['organization.updated']);
    // The events API holds the same events the endpoints received. The events service and the
    // dispatcher consume independently, so the API may store them a moment after delivery.
    const stored = await waitFor(
      async () => {
        const page = await workos.events.listEvents({ events: ['organization.created'], limit: 10 });
        return page.data.length >= 3 ? page : undefined;
      },
      { timeoutMs: 30_000, message: 'the three organization.created events in GET /events' },
    );
    assert.deepEqual(new Set(stored.data.map((x) => x.id)), delivered('/created'));
    // The disabled endpoint got nothing; enabling it again only brings later events.
    assert.equal(receiver.at('/off').length, 0);
    await workos.webhooks.updateWebhookEndpoint({ id: off.id, status: 'enabled' });
    const [later] = await createOrgs(workos, 1, 'After enable');
    await waitFor(() => delivered('/off').size === 1 && delivered('/created').size === 4, { timeoutMs: 60_000, message: 'delivery after re-enable' });
    assert.equal((JSON.parse(receiver.at('/off')[0]!.body) as { data: { id: string } }).data.id, later);
    void created;
  });

  test('environments are isolated: events and endpoints never cross', async () => {
    const one = await environment();
    const two = await environment();
    const epOne = await endpoint(one.workos, '/iso-one', ok);
    await endpoint(two.workos, '/iso-two', ok);
    const orgsOne = await createOrgs(one.workos, 2, 'Iso one');
    const orgsTwo = await createOrgs(two.workos, 2, 'Iso two');
    await waitFor(() => delivered('/iso-one').size === 2 && delivered('/iso-two').size === 2, { timeoutMs: 60_000, message: 'isolated deliveries' });
    const orgIds = (path: string) => new Set(receiver.at(path).map((d) => (JSON.parse(d.body) as { data: { id: string } }).data.id));
    assert.deepEqual(orgIds('/iso-one'), new Set(orgsOne));
    assert.deepEqual(orgIds('/iso-two'), new Set(orgsTwo));
    // Another environment's key cannot see, change, delete or read the log of this endpoint.
    assert.ok(!(await two.workos.webhooks.listWebhookEndpoints()).data.some((x) => x.id === epOne.id));
    await expectSdkError(two.workos.webhooks.updateWebhookEndpoint({ id: epOne.id, status: 'disabled' }), NotFoundException, 404);
    await expectSdkError(two.workos.webhooks.deleteWebhookEndpoint({ id: epOne.id }), NotFoundException, 404);
    assert.equal((await e.http('GET', `/webhook_endpoints/${epOne.id}/delivery_attempts`, { key: two.apiKey })).status, 404);
    const eventOne = receiver.at('/iso-one')[0]!.eventId;
    const ep2 = (await two.workos.webhooks.listWebhookEndpoints()).data[0]!;
    assert.equal((await e.http('POST', `/webhook_endpoints/${ep2.id}/redeliveries`, { key: two.apiKey, body: { event_id: eventOne } })).status, 404);
  });

  test('retries on 500s and on timeouts, each attempt in the delivery log', async () => {
    const { workos, apiKey } = await environment();
    const flaky = await endpoint(workos, '/flaky', failFirst(2));
    const slow = await endpoint(workos, '/slow', (n) => (n === 1 ? { status: 200, delayMs: 2500 } : { status: 204 }));
    await createOrgs(workos, 2, 'Retry');
    await waitFor(() => delivered('/flaky').size === 2 && receiver.at('/slow').filter((d) => d.answered === 204).length === 2, { timeoutMs: 60_000, message: 'retried deliveries' });
    for (const d of [...receiver.at('/flaky'), ...receiver.at('/slow')]) await verify(d);
    assert.equal(receiver.at('/flaky').length, 6, 'two failures then a success, per event');

    const log = await waitFor(async () => {
      const res = await e.http('GET', `/webhook_endpoints/${flaky.id}/delivery_attempts?limit=100&order=asc`, { key: apiKey });
      const data = (res.json as { data: Record<string, unknown>[] }).data;
      return data.length === 6 ? data : undefined;
    }, { message: 'six logged attempts' });
    for (const eventId of delivered('/flaky')) {
      const mine = log.filter((a) => a.event_id === eventId);
      assert.deepEqual(mine.map((a) => [a.attempt, a.state, a.response_status_code]), [[1, 'failed', 500], [2, 'failed', 500], [3, 'succeeded', 200]]);
      assert.ok(mine.every((a) => a.object === 'webhook_delivery_attempt' && typeof a.latency_ms === 'number' && a.trigger === 'event'));
    }
    const page = await e.http('GET', `/webhook_endpoints/${flaky.id}/delivery_attempts?limit=4`, { key: apiKey });
    const body = page.json as { data: { id: string }[]; list_metadata: { after: string | null } };
    assert.equal(body.data.length, 4);
    const rest = await e.http('GET', `/webhook_endpoints/${flaky.id}/delivery_attempts?limit=4&after=${body.list_metadata.after}`, { key: apiKey });
    assert.equal((rest.json as { data: unknown[] }).data.length, 2);

    const slowLog = (await e.http('GET', `/webhook_endpoints/${slow.id}/delivery_attempts?order=asc`, { key: apiKey })).json as { data: { state: string; error: string | null; response_status_code: number | null }[] };
    const timeouts = slowLog.data.filter((a) => a.state === 'failed');
    assert.equal(timeouts.length, 2);
    assert.ok(timeouts.every((a) => a.response_status_code === null && /timeout/.test(a.error ?? '')), JSON.stringify(timeouts));
  });

  test('kill -9 mid-schedule, then restart: every event is delivered, once', async () => {
    const { workos } = await environment();
    await endpoint(workos, '/crash', failFirst(2));
    const orgs = await createOrgs(workos, 8, 'Crash');
    await waitFor(() => receiver.at('/crash').length >= 4, { timeoutMs: 60_000, message: 'first failed attempts' });
    await e.stack.kill('webhook-dispatcher', 'SIGKILL');
    const more = await createOrgs(workos, 4, 'While down');
    e.stack.spawnApp('webhook-dispatcher');
    await e.stack.waitReady('webhook-dispatcher');
    await waitFor(() => delivered('/crash').size === orgs.length + more.length, { timeoutMs: 120_000, message: 'all 12 delivered after the crash' });
    for (const d of receiver.at('/crash')) await verify(d);
  });

  test('Redis flushed mid-schedule: every event is still delivered', async () => {
    const { workos } = await environment();
    await endpoint(workos, '/flush', (n) => ({ status: n <= 1 ? 500 : 200 }));
    await endpoint(workos, '/flush-slow-schedule', failFirst(3));
    const orgs = await createOrgs(workos, 6, 'Flush');
    await waitFor(() => receiver.at('/flush').length >= 6 && receiver.at('/flush-slow-schedule').length >= 6, { timeoutMs: 60_000, message: 'first attempts' });
    const redis = new Redis(e.redisUrl);
    try {
      // This stack has its own Redis server, so FLUSHALL loses only its data.
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
    await waitFor(() => delivered('/flush').size === orgs.length && delivered('/flush-slow-schedule').size === orgs.length, { timeoutMs: 120_000, message: 'all delivered after the flush' });
  });

  test('rotating the secret signs with both secrets during the grace period', async () => {
    const { workos, apiKey } = await environment();
    const ep = await endpoint(workos, '/rotate', ok);
    const res = await e.http('POST', `/webhook_endpoints/${ep.id}/rotate_secret`, { key: apiKey, body: { grace_period_seconds: 3600 } });
    assert.equal(res.status, 200);
    const rotated = res.json as { secret: string; previous_secret_expires_at: string };
    assert.notEqual(rotated.secret, ep.secret);
    assert.ok(Date.parse(rotated.previous_secret_expires_at) > Date.now());
    secrets.set('/rotate', [ep.secret, rotated.secret]);
    await createOrgs(workos, 1, 'Rotate');
    await waitFor(() => delivered('/rotate').size === 1, { timeoutMs: 60_000, message: 'delivery after rotation' });
    const d = receiver.at('/rotate')[0]!;
    const [t, ...v1s] = d.signature.split(', ');
    assert.equal(v1s.length, 2, d.signature);
    const ts = t!.slice(2);
    const hmac = (s: string) => createHmac('sha256', s).update(`${ts}.${d.body}`).digest('hex');
    assert.deepEqual(v1s, [`v1=${hmac(ep.secret)}`, `v1=${hmac(rotated.secret)}`]);
    await verify(d, ep.secret); // the SDK reads the first v1: a receiver still on the old secret keeps working
    // Without a grace period the old secret stops at once.
    const again = await e.http('POST', `/webhook_endpoints/${ep.id}/rotate_secret`, { key: apiKey, body: { grace_period_seconds: 0 } });
    const newest = (again.json as { secret: string }).secret;
    secrets.set('/rotate', [newest]);
    await createOrgs(workos, 1, 'Rotate again');
    await waitFor(() => delivered('/rotate').size === 2, { timeoutMs: 60_000, message: 'delivery after the second rotation' });
    const last = receiver.at('/rotate').at(-1)!;
    assert.equal(last.signature.split(', ').length, 2);
    await verify(last, newest);
  });

  test('redeliver one event, and replay a time range, to an endpoint', async () => {
    const { workos, apiKey } = await environment();
    const ep = await endpoint(workos, '/replay', ok);
    const start = new Date(Date.now() - 1000).toISOString();
    await createOrgs(workos, 3, 'Replay');
    await waitFor(() => delivered('/replay').size === 3, { timeoutMs: 60_000, message: 'first deliveries' });
    const end = new Date(Date.now() + 1000).toISOString();
    const first = receiver.at('/replay')[0]!.eventId;

    const res = await e.http('POST', `/webhook_endpoints/${ep.id}/redeliveries`, { key: apiKey, body: { event_id: first } });
    assert.equal(res.status, 202, res.text);
    await waitFor(() => receiver.at('/replay').filter((d) => d.eventId === first).length === 2, { timeoutMs: 60_000, message: 'redelivered event' });

    const replay = await e.http('POST', `/webhook_endpoints/${ep.id}/replays`, { key: apiKey, body: { range_start: start, range_end: end } });
    assert.equal(replay.status, 202, replay.text);
    assert.equal((replay.json as { event_ids: string[] }).event_ids.length, 3);
    await waitFor(() => receiver.at('/replay').length === 7, { timeoutMs: 60_000, message: 'replayed range' });
    for (const d of receiver.at('/replay')) await verify(d);
    const log = (await e.http('GET', `/webhook_endpoints/${ep.id}/delivery_attempts?limit=100`, { key: apiKey })).json as { data: { trigger: string }[] };
    assert.deepEqual(log.data.map((a) => a.trigger).sort(), ['event', 'event', 'event', 'redelivery', 'replay', 'replay', 'replay']);
  });

  test('no duplicates once a 2xx was recorded', async () => {
    // Give reconciler passes time to run over everything above, then look for repeats.
    const before = receiver.received.length;
    const { workos } = await environment();
    await endpoint(workos, '/final', ok);
    await createOrgs(workos, 1, 'Final');
    await waitFor(() => delivered('/final').size === 1, { timeoutMs: 60_000, message: 'final delivery' });
    assert.ok(receiver.received.length > before);
    const paths = [...new Set(receiver.received.map((d) => d.path))].filter((p) => p !== '/replay');
    assert.deepEqual(receiver.duplicatesAfter2xx(paths).map((d) => `${d.path} ${d.eventId}`), []);
  });
});
