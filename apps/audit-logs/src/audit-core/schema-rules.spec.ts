import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEventAgainstSchema, createSchemaBodySchema, type StoredSchema } from './schema-rules';
import type { AuditEventInput } from './event-rules';

const props = (p: Record<string, 'string' | 'number' | 'boolean'>) => ({ type: 'object' as const, properties: Object.fromEntries(Object.entries(p).map(([k, t]) => [k, { type: t }])) });
const schema: StoredSchema = {
  version: 3,
  targets: [{ type: 'document', metadata: props({ pages: 'number' }) }, { type: 'user' }],
  actor: { metadata: props({}) },
  metadata: props({ reason: 'string', urgent: 'boolean' }),
};
const event = (over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  action: 'document.shared',
  occurred_at: '2026-12-01T00:00:00Z',
  actor: { id: 'u', type: 'user', metadata: { anything: 'goes' } },
  targets: [{ id: 'd', type: 'document', metadata: { pages: 2 } }],
  context: { location: '1.1.1.1' },
  metadata: { reason: 'x' },
  ...over,
});
const codes = (e: AuditEventInput) => checkEventAgainstSchema(e, schema).map((v) => `${v.field}:${v.code}`);

describe('checkEventAgainstSchema', () => {
  test('a conforming event passes; an empty definition leaves its metadata free', () => {
    assert.deepEqual(codes(event()), []);
  });
  test('each violation names its field', () => {
    assert.deepEqual(codes(event({ targets: [{ id: 't', type: 'team' }] })), ['event.targets.0.type:target_type_not_in_schema']);
    assert.deepEqual(codes(event({ targets: [{ id: 'd', type: 'document', metadata: { pages: '2' } }] })), ['event.targets.0.metadata.pages:metadata_type_mismatch']);
    assert.deepEqual(codes(event({ metadata: { reason: 'x', colour: 'red' } })), ['event.metadata.colour:metadata_key_not_in_schema']);
    assert.deepEqual(codes(event({ metadata: { urgent: 'yes' } })), ['event.metadata.urgent:metadata_type_mismatch']);
  });
});

describe('createSchemaBodySchema', () => {
  test('accepts what the SDK sends and refuses empty or duplicate targets', () => {
    assert.ok(createSchemaBodySchema.safeParse({ actor: { metadata: { type: 'object', properties: {} } }, targets: [{ type: 'user' }] }).success);
    assert.ok(!createSchemaBodySchema.safeParse({ targets: [] }).success);
    assert.ok(!createSchemaBodySchema.safeParse({ targets: [{ type: 'a' }, { type: 'a' }] }).success);
    assert.ok(!createSchemaBodySchema.safeParse({ targets: [{ type: 'a', metadata: props({ x: 'date' as never }) }] }).success);
  });
});
