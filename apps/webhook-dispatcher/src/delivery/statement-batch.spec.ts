import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatementBatch } from './statement-batch';

test('items arriving while a statement runs share the next one; results go back in order', async () => {
  const calls: number[][] = [];
  let release!: () => void;
  const first = new Promise<void>((r) => (release = r));
  const batch = new StatementBatch<number, number>(async (items) => {
    calls.push(items);
    if (calls.length === 1) await first;
    return items.map((i) => i * 10);
  }, 3);
  const results = [batch.run(1), batch.run(2), batch.run(3), batch.run(4), batch.run(5)];
  release();
  assert.deepEqual(await Promise.all(results), [10, 20, 30, 40, 50]);
  assert.deepEqual(calls, [[1], [2, 3, 4], [5]], 'one in flight at a time, at most 3 per statement');
});

test('a failing statement rejects its own items only', async () => {
  const batch = new StatementBatch<number, number>(async (items) => {
    if (items.includes(2)) throw new Error('boom');
    return items;
  });
  const a = batch.run(1);
  const b = batch.run(2);
  assert.equal(await a, 1);
  await assert.rejects(b, /boom/);
  assert.equal(await batch.run(3), 3);
});
