import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { APP_CATALOGUE, GATEWAY_ADMIN_PORT } from '@wos/platform/stack';

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
 * chaos` may run beside anything, so no port of the chaos stack may be one another stack (or the
 * machine) listens on, and none may lie in Linux's ephemeral range, where an outgoing
 * connection may already hold it.
 */
test('the chaos suite starts its stack on CHAOS_PORT_OFFSET, whose ports no other stack uses, all below the ephemeral range', () => {
  const chaos = readFileSync(join(ROOT, 'test', 'chaos', 'chaos.spec.ts'), 'utf8');
  assert.match(chaos, /portOffset:\s*CHAOS_PORT_OFFSET\b/);
  // Its own broker and Postgres cluster sit on CHAOS_PORT_OFFSET plus the bases below.
  assert.match(chaos, /new KafkaBroker\(slotPort\(CHAOS_PORT_OFFSET \+ 5092\), slotPort\(CHAOS_PORT_OFFSET \+ 5093\)/);
  assert.match(chaos, /new PostgresCluster\(slotPort\(CHAOS_PORT_OFFSET \+ 5434\)/);
  const support = readFileSync(join(ROOT, 'test', 'support', 'e2e-stack.ts'), 'utf8');
  const offset = Number(/CHAOS_PORT_OFFSET = ([\d_]+)/.exec(support)?.[1]?.replace(/_/g, ''));
  // What a stack on `offset` listens on in each of the ten test slots (slotPort adds 10 per slot):
  // the apps, the gateway's admin port, its Redis (6379), the chaos suite's Kafka (5092, 5093) and
  // its Postgres cluster (5434: with 5432 its slot-0 port would be the 5092 base of offset 1000 in slot 9).
  const bases = [...APP_CATALOGUE.map((a) => a.port), GATEWAY_ADMIN_PORT, 6379, 5092, 5093, 5434];
  const ports = (o: number) => new Set(Array.from({ length: 10 }, (_, slot) => bases.map((b) => b + o + 10 * slot)).flat());
  const mine = ports(offset);
  assert.ok(Math.max(...mine) < 32_768, `CHAOS_PORT_OFFSET ${offset} puts a port in the ephemeral range (${Math.max(...mine)})`);
  const others = [0, ...Array.from({ length: 45 }, (_, i) => 1000 + 500 * i).filter((o) => o !== 2000)];
  for (const o of others) {
    const shared = [...ports(o)].filter((p) => mine.has(p));
    assert.deepEqual(shared, [], `CHAOS_PORT_OFFSET ${offset} shares ports with the stack on offset ${o}`);
  }
  // The machine's own services (Postgres, Redis, MariaDB, RabbitMQ, Mosquitto, NATS, our Kafka).
  for (const p of [5432, 6379, 3306, 5672, 1883, 4222, 9092, 9093]) assert.ok(!mine.has(p), `CHAOS_PORT_OFFSET ${offset} takes port ${p}`);
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
