import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvent, newId } from '@wos/platform';
import type { EventEnvelope } from '@wos/contracts';
import { listEventsResponseSchema } from '../src/events/events.dto';
import { EventsService } from '../src/events/events.service';
import { toNewEvent } from '../src/events/stored-event.dto';
import { daysAgo, getEvents, organization, orgEvent, seed, startTestService, testEnvironmentId, type RunningService } from './support/events-harness';

const ids = (body: { data: { id: string }[] }) => body.data.map((e) => e.id);

describe('GET /events', () => {
  let svc: RunningService;
  const envA = testEnvironmentId('api_a');
  const envB = testEnvironmentId('api_b');
  const acme = organization('Acme');
  const globex = organization('Globex');
  // Seeded in this order; `seq` follows it.
  const acmeCreated = orgEvent('organization.created', envA, acme, daysAgo(3));
  const globexCreated = orgEvent('organization.created', envA, globex, daysAgo(2));
  const acmeUpdated = orgEvent('organization.updated', envA, { ...acme, name: 'Acme Inc' }, daysAgo(1));
  const domain = { object: 'organization_domain' as const, id: newId('org_domain'), organization_id: acme.id, domain: 'acme.test', state: 'failed' as const, verification_strategy: 'dns' as const, created_at: acme.created_at, updated_at: acme.updated_at };
  const domainFailed = buildEvent('organization_domain.verification_failed', { reason: 'domain_verification_period_expired', organization_domain: domain }, envA);
  const globexDeleted = orgEvent('organization.deleted', envA, globex);
  const seeded = [acmeCreated, globexCreated, acmeUpdated, domainFailed, globexDeleted];
  const paged: EventEnvelope[] = [];
  const pagedEnv = testEnvironmentId('api_paging');

  before(async () => {
    svc = await startTestService('api');
    await seed(svc, seeded);
    for (let i = 0; i < 25; i++) paged.push(orgEvent('organization.updated', pagedEnv, { ...acme, name: `Acme ${i}` }));
    await seed(svc, paged);
  });

  after(async () => {
    await svc?.close();
  });

  test('accepts comma-joined, repeated and bracketed event types alike', async () => {
    const want = [acmeCreated.id, globexCreated.id, globexDeleted.id];
    for (const query of [
      'events=organization.created,organization.deleted',
      'events=organization.created&events=organization.deleted',
      'events[]=organization.created&events[]=organization.deleted',
      'events%5B%5D=organization.created&events=organization.deleted',
    ]) {
      const { status, body } = await getEvents(svc, envA, query);
      assert.equal(status, 200, query);
      listEventsResponseSchema.parse(body);
      assert.deepEqual(ids(body), want, query);
    }
  });

  test('lists oldest first by default with the WorkOS list envelope', async () => {
    const { body } = await getEvents(svc, envA, 'events=organization.created,organization.updated,organization.deleted,organization_domain.verification_failed');
    assert.deepEqual(ids(body), seeded.map((e) => e.id));
    assert.deepEqual(body.list_metadata, { before: null, after: globexDeleted.id });
    assert.deepEqual(Object.keys(body.data[0]), ['object', 'id', 'event', 'data', 'created_at']);
  });

  test('filters by organization, including organization_domain.verification_failed', async () => {
    const all = 'events=organization.created,organization.updated,organization.deleted,organization_domain.verification_failed';
    const { body } = await getEvents(svc, envA, `${all}&organization_id=${acme.id}`);
    assert.deepEqual(ids(body), [acmeCreated.id, acmeUpdated.id, domainFailed.id]);
    const none = await getEvents(svc, envA, `${all}&organization_id=org_unknown`);
    assert.deepEqual(none.body.data, []);
    assert.equal(none.body.list_metadata.after, null);
  });

  test('filters by range_start and range_end on created_at', async () => {
    const q = 'events=organization.created,organization.updated';
    const since = await getEvents(svc, envA, `${q}&range_start=${daysAgo(2.5).toISOString()}`);
    assert.deepEqual(ids(since.body), [globexCreated.id, acmeUpdated.id]);
    const until = await getEvents(svc, envA, `${q}&range_end=${encodeURIComponent(daysAgo(1.5).toISOString())}`);
    assert.deepEqual(ids(until.body), [acmeCreated.id, globexCreated.id]);
    const between = await getEvents(svc, envA, `${q}&range_start=${daysAgo(2.5).toISOString()}&range_end=${daysAgo(1.5).toISOString()}`);
    assert.deepEqual(ids(between.body), [globexCreated.id]);
  });

  test('pages through 25 events with after and limit 10', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    const sizes: number[] = [];
    for (let page = 0; page < 4; page++) {
      const { status, body } = await getEvents(svc, pagedEnv, `events=organization.updated&limit=10${after ? `&after=${after}` : ''}`);
      assert.equal(status, 200);
      sizes.push(body.data.length);
      seen.push(...ids(body));
      if (!body.data.length) {
        assert.equal(body.list_metadata.after, null);
        break;
      }
      assert.equal(body.list_metadata.after, body.data.at(-1).id);
      after = body.list_metadata.after;
    }
    assert.deepEqual(sizes, [10, 10, 5, 0]);
    assert.deepEqual(seen, paged.map((e) => e.id));
    const { body } = await getEvents(svc, pagedEnv, 'events=organization.updated');
    assert.equal(body.data.length, 10, 'default limit');
  });

  test('a chunk that repeats an event, or is delivered again, stores each event once and in order', async () => {
    const env = testEnvironmentId('api_dupes');
    const [a, b, c] = ['A', 'B', 'C'].map((name) => orgEvent('organization.updated', env, { ...acme, name }));
    const service = svc.app.get(EventsService);
    assert.equal(await service.record([a, b, a].map((e) => toNewEvent(e)!)), 2);
    assert.equal(await service.record([b, c].map((e) => toNewEvent(e)!)), 1);
    const { body } = await getEvents(svc, env, 'events=organization.updated');
    assert.deepEqual(ids(body), [a!.id, b!.id, c!.id]);
  });

  test('order=desc lists newest first and pages backwards', async () => {
    const first = await getEvents(svc, pagedEnv, 'events=organization.updated&order=desc&limit=10');
    assert.deepEqual(ids(first.body), paged.slice(15).reverse().map((e) => e.id));
    const next = await getEvents(svc, pagedEnv, `events=organization.updated&order=desc&limit=10&after=${first.body.list_metadata.after}`);
    assert.deepEqual(ids(next.body), paged.slice(5, 15).reverse().map((e) => e.id));
  });

  test('before returns the events that precede a cursor', async () => {
    const { body } = await getEvents(svc, pagedEnv, `events=organization.updated&limit=3&before=${paged[10]!.id}`);
    assert.deepEqual(ids(body), paged.slice(7, 10).map((e) => e.id));
  });

  for (const [name, query, code] of [
    ['missing events', 'limit=10', 'events_required'],
    ['empty events', 'events=', 'events_invalid'],
    ['malformed event type', 'events=not a type', 'events_invalid'],
    ['range_start with after', `events=organization.created&after=${'event_01'.padEnd(32, 'A')}&range_start=2026-01-01T00:00:00Z`, 'range_start_invalid'],
    ['limit 0', 'events=organization.created&limit=0', 'limit_invalid'],
    ['limit 101', 'events=organization.created&limit=101', 'limit_invalid'],
    ['bad order', 'events=organization.created&order=sideways', 'order_invalid'],
    ['bad range_start', 'events=organization.created&range_start=yesterday', 'range_start_invalid'],
    ['unknown after', `events=organization.created&after=${newId('event')}`, 'after_invalid'],
  ] as const) {
    test(`422 for ${name}`, async () => {
      const { status, body } = await getEvents(svc, envA, query);
      assert.equal(status, 422);
      assert.equal(body.code, 'invalid_request_parameters');
      assert.ok(body.errors.some((e: { code: string }) => e.code === code), JSON.stringify(body));
    });
  }

  test("another environment never sees environment A's events or accepts its cursors", async () => {
    const all = 'events=organization.created,organization.updated,organization.deleted,organization_domain.verification_failed';
    const { status, body } = await getEvents(svc, envB, all);
    assert.equal(status, 200);
    assert.deepEqual(body.data, []);
    const byOrg = await getEvents(svc, envB, `${all}&organization_id=${acme.id}`);
    assert.deepEqual(byOrg.body.data, []);
    const cursor = await getEvents(svc, envB, `${all}&after=${acmeCreated.id}`);
    assert.equal(cursor.status, 422);
    assert.equal(cursor.body.errors[0].code, 'after_invalid');
  });

  test('refuses a request without the signed environment context', async () => {
    const res = await fetch(`${svc.baseUrl}/events?events=organization.created`);
    assert.equal(res.status, 401);
  });

  test('publishes its OpenAPI document', async () => {
    const doc = (await (await fetch(`${svc.baseUrl}/openapi.json`)).json()) as { paths: Record<string, { get: { parameters: { name: string }[] } }> };
    const params = doc.paths['/events']!.get.parameters.map((p) => p.name);
    assert.deepEqual(params.sort(), ['after', 'before', 'events', 'limit', 'order', 'organization_id', 'range_end', 'range_start']);
  });
});
