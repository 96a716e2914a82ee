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
