import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackgroundLoop } from './background-loop';

test('one run at a time; a request during a run makes exactly one more; errors are reported, not thrown', async () => {
  let active = 0;
  let most = 0;
  let runs = 0;
  const errors: string[] = [];
  let release!: () => void;
  const loop = new BackgroundLoop(
    async () => {
      runs++;
      active++;
      most = Math.max(most, active);
      await new Promise<void>((r) => (release = r));
      active--;
      if (runs === 2) throw new Error('second run failed');
    },
    (err) => errors.push(err.message),
  );
  loop.start(60_000);
  loop.soon();
  loop.soon();
  assert.equal(runs, 1);
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2, 'the requests during the first run made one more');
  release();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(errors, ['second run failed']);
  assert.equal(runs, 2);
  loop.soon();
  const stopping = loop.stop();
  release();
  await stopping;
  loop.soon();
  assert.equal(runs, 3, 'nothing runs after stop');
  assert.equal(most, 1);
});
