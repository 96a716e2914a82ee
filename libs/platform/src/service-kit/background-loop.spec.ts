import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentRequestId, runForRequest } from '../http/request-context';
import { BackgroundLoop } from './background-loop';

/** A loop whose runs each wait for `release()`; counts runs and the most at once. */
function gatedLoop(fail?: (run: number) => boolean) {
  const s = { runs: 0, active: 0, most: 0, errors: [] as string[], release: () => {} };
  const loop = new BackgroundLoop(
    async () => {
      const run = ++s.runs;
      s.active++;
      s.most = Math.max(s.most, s.active);
      await new Promise<void>((r) => (s.release = r));
      s.active--;
      if (fail?.(run)) throw new Error(`run ${run} failed`);
    },
    (err) => s.errors.push(err.message),
  );
  return { loop, s };
}

const tick = () => new Promise((r) => setImmediate(r));

test('one run at a time; requests during a run make exactly one more; errors are reported, not thrown', async () => {
  const { loop, s } = gatedLoop((run) => run === 2);
  loop.start(60_000);
  void loop.soon();
  void loop.soon();
  assert.equal(s.runs, 1);
  s.release();
  await tick();
  assert.equal(s.runs, 2, 'the requests during the first run made one more');
  s.release();
  await tick();
  assert.deepEqual(s.errors, ['run 2 failed']);
  assert.equal(s.runs, 2);
  void loop.soon();
  const stopping = loop.stop();
  s.release();
  await stopping;
  await loop.soon();
  assert.equal(s.runs, 3, 'nothing runs after stop');
  assert.equal(s.most, 1);
});

test('soon() settles when a run that began after it has ended, and never rejects', async () => {
  const { loop, s } = gatedLoop(() => true);
  const first = loop.soon();
  let secondDone = false;
  const second = loop.soon().then(() => (secondDone = true));
  s.release();
  await first;
  await tick();
  assert.equal(secondDone, false, 'the caller during run 1 waits for run 2');
  assert.equal(s.runs, 2);
  s.release();
  await second;
  assert.deepEqual(s.errors, ['run 1 failed', 'run 2 failed']);
});

test('start({ immediately: false }) waits for the interval; stop() releases callers still waiting', async () => {
  const { loop, s } = gatedLoop();
  loop.start(60_000, { immediately: false });
  await tick();
  assert.equal(s.runs, 0);
  void loop.soon();
  const waiter = loop.soon();
  const stopping = loop.stop();
  s.release();
  await stopping;
  await waiter;
  assert.equal(s.runs, 1, 'the waiter was released without a second run');
});

test('a run that a request set going is the service\'s work: it names no request', async () => {
  const seen: (string | undefined)[] = [];
  const loop = new BackgroundLoop(async () => {
    await tick();
    seen.push(currentRequestId());
  }, () => undefined);
  let asked!: Promise<void>;
  runForRequest('req_started_it', () => {
    asked = loop.soon();
  });
  await asked;
  await loop.stop();
  assert.deepEqual(seen, [undefined]);
});
