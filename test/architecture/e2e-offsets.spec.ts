import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

/*
 * The test command runs end-to-end files in two lanes at once (tools/test.sh), so no two files
 * may share a port offset: each file's stack (its apps, its gateway, its Redis) lives on its own
 * offset. The bounds are those E2eOptions.portOffset documents.
 */
test('every end-to-end file starts its stack on a port offset of its own', () => {
  const dir = join(ROOT, 'test', 'e2e');
  const owners = new Map<number, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.spec.ts'))) {
    const src = readFileSync(join(dir, file), 'utf8');
    const offsets = [...src.matchAll(/(?:portOffset:\s*|PORT_OFFSET\s*=\s*|startExampleStack\('[^']*',\s*)(\d[\d_]*)/g)].map((m) => Number(m[1]!.replace(/_/g, '')));
    for (const o of new Set(offsets)) owners.set(o, [...(owners.get(o) ?? []), file]);
  }
  assert.ok(owners.size > 10, 'the offsets were found');
  for (const [offset, files] of owners) {
    assert.equal(files.length, 1, `offset ${offset} is shared by ${files.join(', ')}`);
    assert.ok(offset % 500 === 0 && offset >= 1000 && offset <= 23_000 && offset !== 2000, `offset ${offset} of ${files[0]} is outside the documented bounds`);
  }
});

/*
 * The test/chaos files run in a lane of their own after the others (tools/test.sh), but `npm run
 * chaos` may run beside anything, so the chaos stack's offset must be one no end-to-end file can
 * have: outside their bounds.
 */
test('the chaos suite starts its stack on CHAOS_PORT_OFFSET, outside the end-to-end bounds', () => {
  const chaos = readFileSync(join(ROOT, 'test', 'chaos', 'chaos.spec.ts'), 'utf8');
  assert.match(chaos, /portOffset:\s*CHAOS_PORT_OFFSET\b/);
  const support = readFileSync(join(ROOT, 'test', 'support', 'e2e-stack.ts'), 'utf8');
  const offset = Number(/CHAOS_PORT_OFFSET = ([\d_]+)/.exec(support)?.[1]?.replace(/_/g, ''));
  assert.ok(offset % 500 === 0 && offset > 23_000, `CHAOS_PORT_OFFSET ${offset} must be a multiple of 500 above the end-to-end range`);
  // Listening ports must stay below Linux's ephemeral range (32768 and up), where an outgoing
  // connection may hold the port; the gateway's (8080 + offset, plus 10 per test slot) is the highest.
  assert.ok(8080 + offset + 10 * 9 < 32_768, `CHAOS_PORT_OFFSET ${offset} puts the gateway in the ephemeral port range`);
});

/*
 * Every stack in test/chaos (the chaos suite, the backup restore, the rolling upgrade) lives on
 * CHAOS_PORT_OFFSET: they share it safely because their lane runs its files one at a time, and no
 * end-to-end file can have it.
 */
test('every test/chaos file that starts a stack uses CHAOS_PORT_OFFSET and no literal offset', () => {
  const dir = join(ROOT, 'test', 'chaos');
  const stacks = readdirSync(dir).filter((f) => f.endsWith('.spec.ts') && /portOffset:/.test(readFileSync(join(dir, f), 'utf8')));
  assert.ok(stacks.length >= 3, `the chaos files were found (${stacks.join(', ')})`);
  for (const file of stacks) {
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/portOffset:\s*([^,\n}]+)/g)) {
      assert.match(m[1]!.trim(), /^(?:slotPort\()?CHAOS_PORT_OFFSET\)?$/, `${file}: portOffset ${m[1]}`);
    }
  }
});
