import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommitQueue, type GroupCommitItem } from './group-commit';

interface Item extends GroupCommitItem {
  label: string;
}
const item = (label: string, rows = 1): Item => ({ label, rows, bytes: 10 });

/** A write that records each statement's labels and holds it until the test releases it. */
function heldWrites(failing: (labels: string[]) => boolean = () => false) {
  const statements: string[][] = [];
  const held: (() => void)[] = [];
  let inFlight = 0;
  let maxSeen = 0;
  const write = async (items: Item[]) => {
    const labels = items.map((i) => i.label);
    statements.push(labels);
    inFlight++;
    maxSeen = Math.max(maxSeen, inFlight);
    await new Promise<void>((release) => held.push(release));
    inFlight--;
    if (failing(labels)) throw new Error(`refused ${labels.join(',')}`);
  };
  const releaseAll = async () => {
    while (held.length) held.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { write, statements, releaseAll, maxInFlight: () => maxSeen };
}

describe('GroupCommitQueue', () => {
  test('with two statements in flight, what arrives meanwhile shares the next statement, in arrival order', async () => {
    const w = heldWrites();
    const q = new GroupCommitQueue<Item>(w.write, { maxRows: 100, maxBytes: 1000, maxInFlight: 2 });
    const settled: string[] = [];
    const all = ['a', 'b', 'c', 'd', 'e'].map((l) => q.submit(item(l)).then(() => void settled.push(l)));
    assert.deepEqual(w.statements, [['a'], ['b']], 'two statements start at once, one item each');
    assert.deepEqual(settled, [], 'nothing resolves before its statement committed');
    await w.releaseAll();
    await w.releaseAll();
    await Promise.all(all);
    assert.deepEqual(w.statements, [['a'], ['b'], ['c', 'd', 'e']]);
    assert.equal(w.maxInFlight(), 2);
    await q.idle();
  });

  test('one statement in flight by default; the limits cut a batch, and an item over them goes alone', async () => {
    const w = heldWrites();
    const q = new GroupCommitQueue<Item>(w.write, { maxRows: 3, maxBytes: 1000 });
    const all = [item('a'), item('b'), item('c'), item('d', 2), item('big', 5), item('e')].map((i) => q.submit(i));
    for (let i = 0; i < 5; i++) await w.releaseAll();
    await Promise.all(all);
    assert.deepEqual(w.statements, [['a'], ['b', 'c'], ['d'], ['big'], ['e']]);
    assert.equal(w.maxInFlight(), 1);
  });

  test('a shared statement that fails is retried item by item: only the bad item is rejected, with its own error', async () => {
    const w = heldWrites((labels) => labels.includes('bad'));
    const q = new GroupCommitQueue<Item>(w.write, { maxRows: 100, maxBytes: 1000 });
    const first = q.submit(item('first'));
    const results = Promise.allSettled(['x', 'bad', 'y'].map((l) => q.submit(item(l))));
    for (let i = 0; i < 6; i++) await w.releaseAll();
    await first;
    const [x, bad, y] = await results;
    assert.equal(x.status, 'fulfilled');
    assert.equal(y.status, 'fulfilled');
    assert.equal(bad.status, 'rejected');
    assert.match(String((bad as PromiseRejectedResult).reason), /refused bad/);
    assert.deepEqual(w.statements, [['first'], ['x', 'bad', 'y'], ['x'], ['bad'], ['y']]);
  });

  test('a read shares its statement and each caller gets the result at its index; a wrong count rejects, never rereads', async () => {
    const statements: string[][] = [];
    let answer = (labels: string[]) => labels.map((l) => l.toUpperCase());
    const q = new GroupCommitQueue<Item, string>(async (items) => {
      const labels = items.map((i) => i.label);
      statements.push(labels);
      await new Promise((r) => setImmediate(r));
      return answer(labels);
    }, { maxRows: 100, maxBytes: 1000 });
    assert.deepEqual(await Promise.all(['a', 'b', 'c'].map((l) => q.submit(item(l)))), ['A', 'B', 'C']);
    assert.deepEqual(statements, [['a'], ['b', 'c']]);
    answer = () => ['only one'];
    const wrong = await Promise.allSettled(['d', 'e', 'f'].map((l) => q.submit(item(l))));
    assert.deepEqual(wrong.map((r) => r.status), ['fulfilled', 'rejected', 'rejected']);
    assert.match(String((wrong[1] as PromiseRejectedResult).reason), /returned 1 results for 2 items/);
    assert.deepEqual(statements.slice(2), [['d'], ['e', 'f']], 'a statement that answered is not run again');
  });
});
