import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { eventSchemas } from './registry';
import { isTemplateSampleEvent } from './template-sample';

/*
 * Released event schemas may only grow. The snapshot holds each type's JSON Schema as
 * released; run with UPDATE_EVENT_SNAPSHOT=1 after an additive change to record it.
 */
const SNAPSHOT = join(__dirname, '..', '..', 'snapshots', 'event-schemas.json');

type Json = { type?: unknown; properties?: Record<string, Json>; required?: string[]; items?: Json; enum?: unknown[] };

/* The template's sample events are placeholders, never released (template-sample.ts). */
function current(): Record<string, Json> {
  return Object.fromEntries(Object.entries(eventSchemas).filter(([k]) => !isTemplateSampleEvent(k)).map(([k, s]) => [k, z.toJSONSchema(s as z.ZodType) as Json]));
}

/** Lists the ways `now` is not a superset of `was`. */
function breaking(path: string, was: Json, now: Json | undefined): string[] {
  if (!now) return [`${path} was removed`];
  const out: string[] = [];
  if (JSON.stringify(was.type) !== JSON.stringify(now.type)) out.push(`${path} changed type`);
  for (const v of was.enum ?? []) if (!(now.enum ?? []).includes(v)) out.push(`${path} lost enum value ${String(v)}`);
  for (const r of now.required ?? []) if (!(was.required ?? []).includes(r)) out.push(`${path}.${r} became required`);
  for (const [k, v] of Object.entries(was.properties ?? {})) out.push(...breaking(`${path}.${k}`, v, now.properties?.[k]));
  if (was.items) out.push(...breaking(`${path}[]`, was.items, now.items));
  return out;
}

test('event schemas change only additively against the released snapshot', () => {
  const now = current();
  if (process.env.UPDATE_EVENT_SNAPSHOT === '1' || !existsSync(SNAPSHOT)) {
    assert.ok(process.env.UPDATE_EVENT_SNAPSHOT === '1', `missing ${SNAPSHOT}; run with UPDATE_EVENT_SNAPSHOT=1`);
    writeFileSync(SNAPSHOT, JSON.stringify(now, null, 2) + '\n');
    return;
  }
  const released = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, Json>;
  const problems = Object.entries(released).flatMap(([type, schema]) => breaking(type, schema, now[type]));
  assert.deepEqual(problems, []);
});

test('the compatibility check catches removals and type changes', () => {
  const was: Json = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string', enum: ['x', 'y'] } }, required: ['a'] };
  const now: Json = { type: 'object', properties: { b: { type: 'number', enum: ['x'] } }, required: ['a', 'b'] };
  assert.deepEqual(breaking('t', was, now).sort(), ['t.a was removed', 't.b became required', 't.b changed type', 't.b lost enum value y']);
});
