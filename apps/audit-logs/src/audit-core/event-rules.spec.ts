import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventBodySchema, EVENT_LIMITS, occurredAtProblem } from './event-rules';

const body = (event: Record<string, unknown> = {}) => ({
  organization_id: 'org_01EHWNCE74X7JSDV0X3SZ3KJNY',
  event: {
    action: 'user.signed_in',
    occurred_at: '2026-12-01T10:00:00.000Z',
    actor: { id: 'user_1', type: 'user' },
    targets: [],
    context: { location: '1.1.1.1' },
    ...event,
  },
});
const paths = (input: unknown) => {
  const r = createEventBodySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('createEventBodySchema', () => {
  test('accepts what the SDK sends', () => {
    assert.deepEqual(paths(body({ version: 2, metadata: { a: 'x', n: 1, b: true }, context: { location: '1.1.1.1', user_agent: 'UA' } })), []);
  });
  test('metadata: 50 keys, 40-character keys, 500-character values, primitives only', () => {
    const fifty = Object.fromEntries(Array.from({ length: EVENT_LIMITS.metadataKeys }, (_, i) => [`k${i}`, 'v']));
    assert.deepEqual(paths(body({ metadata: fifty })), []);
    assert.deepEqual(paths(body({ metadata: { ...fifty, extra: 1 } })), ['event.metadata']);
    assert.deepEqual(paths(body({ metadata: { ['a'.repeat(40)]: 'v' } })), []);
    assert.deepEqual(paths(body({ metadata: { ['a'.repeat(41)]: 'v' } })), [`event.metadata.${'a'.repeat(41)}`]);
    assert.deepEqual(paths(body({ metadata: { a: 'x'.repeat(501) } })), ['event.metadata.a']);
    assert.deepEqual(paths(body({ metadata: { a: null } })), ['event.metadata.a']);
    assert.deepEqual(paths(body({ actor: { id: 'u', type: 'user', metadata: { a: [1] } } })), ['event.actor.metadata.a']);
  });
  test('required fields, unknown fields and the organization ID shape', () => {
    assert.deepEqual(paths({ ...body(), organization_id: 'acme' }), ['organization_id']);
    assert.deepEqual(paths(body({ actor: { type: 'user' } })), ['event.actor.id']);
    assert.deepEqual(paths(body({ context: {} })), ['event.context.location']);
    assert.deepEqual(paths(body({ colour: 'red' })), ['event']);
    assert.deepEqual(paths(body({ occurred_at: 'yesterday' })), ['event.occurred_at']);
    assert.deepEqual(paths(body({ targets: Array.from({ length: 51 }, () => ({ id: 't', type: 't' })) })), ['event.targets']);
    assert.deepEqual(paths(body({ action: 'two words' })), ['event.action']);
  });
});

describe('occurredAtProblem', () => {
  const now = new Date('2026-12-03T00:00:00Z');
  test('a day of clock skew ahead, and nothing older than the longest retention', () => {
    assert.equal(occurredAtProblem(new Date('2026-12-03T23:00:00Z'), now, 365), undefined);
    assert.match(occurredAtProblem(new Date('2026-12-04T01:00:00Z'), now, 365)!, /future/);
    assert.equal(occurredAtProblem(new Date('2025-12-04T00:00:00Z'), now, 365), undefined);
    assert.match(occurredAtProblem(new Date('2025-12-02T00:00:00Z'), now, 365)!, /365 days/);
  });
});
