import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError, ZodPipe } from '@wos/platform';
import { listEventsQuerySchema, toEventList, type ListEventsQuery } from './events.dto';

const pipe = new ZodPipe(listEventsQuerySchema);
const parse = (q: Record<string, unknown>): ListEventsQuery => pipe.transform(q);
function codes(q: Record<string, unknown>): string[] {
  try {
    pipe.transform(q);
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.errors.map((e) => e.code);
  }
  assert.fail('expected a validation error');
}

describe('listEventsQuerySchema', () => {
  test('folds every encoding of events into one de-duplicated list', () => {
    assert.deepEqual(parse({ events: 'a.b,c.d' }).events, ['a.b', 'c.d']);
    assert.deepEqual(parse({ events: ['a.b', 'c.d'] }).events, ['a.b', 'c.d']);
    assert.deepEqual(parse({ 'events[]': ['a.b', 'c.d'] }).events, ['a.b', 'c.d']);
    assert.deepEqual(parse({ events: 'a.b, c.d', 'events[]': 'c.d' }).events, ['a.b', 'c.d']);
  });

  test('event_types and event_types[] are synonyms of events (issue 23)', () => {
    assert.deepEqual(parse({ 'event_types[]': 'user.created' }).events, ['user.created']);
    assert.deepEqual(parse({ event_types: 'a.b,c.d', events: 'e.f' }).events, ['e.f', 'a.b', 'c.d']);
    assert.equal('event_types' in parse({ event_types: 'a.b' }), false);
  });

  test('a time given as after is a 422 that says to use range_start (issue 23)', () => {
    for (const after of ['2025-01-01T00:00:00Z', '2025-01-01']) {
      assert.throws(
        () => parse({ 'event_types[]': 'user.created', after }),
        (err: unknown) => err instanceof ValidationError && err.status === 422 && /range_start/.test(err.message) && err.errors[0]?.field === 'after',
      );
    }
    assert.equal(parse({ events: 'a.b', after: 'event_01HZZZZZZZZZZZZZZZZZZZZZZZ' }).after, 'event_01HZZZZZZZZZZZZZZZZZZZZZZZ');
  });

  test('defaults to 10 events, oldest first', () => {
    const q = parse({ events: 'organization.created' });
    assert.equal(q.limit, 10);
    assert.equal(q.order, 'asc');
  });

  test('parses ranges as instants', () => {
    const q = parse({ events: 'a.b', range_start: '2026-11-01T10:00:00+02:00', range_end: '2026-11-02' });
    assert.equal(q.range_start?.toISOString(), '2026-11-01T08:00:00.000Z');
    assert.equal(q.range_end?.toISOString(), '2026-11-02T00:00:00.000Z');
  });

  test('rejects what WorkOS rejects with stable codes', () => {
    assert.deepEqual(codes({}), ['events_required']);
    assert.deepEqual(codes({ events: '' }), ['events_invalid']);
    assert.deepEqual(codes({ events: 'a.b', limit: '0' }), ['limit_invalid']);
    assert.deepEqual(codes({ events: 'a.b', limit: '101' }), ['limit_invalid']);
    assert.deepEqual(codes({ events: 'a.b', limit: ['1', '2'] }), ['limit_invalid']);
    assert.deepEqual(codes({ events: 'a.b', after: 'event_x', range_start: '2026-01-01' }), ['range_start_invalid']);
    assert.deepEqual(codes({ events: 'a.b', after: 'event_x', before: 'event_y' }), ['before_invalid']);
    assert.deepEqual(codes({ events: 'a.b', range_start: '2026-01-02', range_end: '2026-01-01' }), ['range_end_invalid']);
    assert.deepEqual(codes({ events: 'a.b', organization_id: ['org_1', 'org_2'] }), ['organization_id_invalid']);
  });
});

describe('toEventList', () => {
  const event = { object: 'event' as const, id: 'event_1', event: 'a.b', data: {}, created_at: '2026-01-01T00:00:00.000Z' };

  test('points after at the last event so a poller can continue, and is null only when empty', () => {
    assert.deepEqual(toEventList([event, { ...event, id: 'event_2' }]).list_metadata, { before: null, after: 'event_2' });
    assert.deepEqual(toEventList([]).list_metadata, { before: null, after: null });
  });

  test('restores the WorkOS field order that JSONB loses', () => {
    const stored = { created_at: event.created_at, data: {}, event: 'a.b', id: 'event_1', object: 'event' as const, context: { client_id: 'c' } };
    assert.deepEqual(Object.keys(toEventList([stored]).data[0]!), ['object', 'id', 'event', 'data', 'created_at', 'context']);
  });
});
