// Scenario 4: time from a POST /organizations response to its organization.created event being
// listed by GET /events?events=organization.created&after=<cursor> (through the gateway).
// One poller follows the `after` cursor in a tight loop; writers record when each POST
// answered. Resolution: one poll round trip plus the poll interval.
import { sleep, summarize } from '../lib.mjs';

export const VISIBILITY_TARGET_P99_MS = 500;
const POLL_INTERVAL_MS = 5;
const EVENT_TIMEOUT_MS = 10_000;
const PAGE = 100;

/** Follows GET /events from `cursor` and remembers when each organization's event was first listed. */
class EventWatcher {
  constructor(api, cursor) {
    this.api = api;
    this.cursor = cursor;
    this.seenAt = new Map(); // org id -> performance.now() of the poll response that listed it
    this.waiters = new Map(); // org id -> resolve
    this.polls = 0;
    this.pollErrors = 0;
    this.stopped = false;
  }

  start() {
    this.loop = this.run();
  }

  async run() {
    while (!this.stopped) {
      let r;
      try {
        r = await this.api.request('GET', `/events?events=organization.created&limit=${PAGE}&after=${encodeURIComponent(this.cursor)}`);
      } catch {
        r = { status: 0 };
      }
      this.polls++;
      if (r.status !== 200) {
        this.pollErrors++;
        await sleep(50);
        continue;
      }
      for (const e of r.body.data) {
        if (this.seenAt.has(e.data.id)) continue;
        this.seenAt.set(e.data.id, r.at);
        this.waiters.get(e.data.id)?.(r.at);
      }
      if (r.body.list_metadata.after) this.cursor = r.body.list_metadata.after;
      if (r.body.data.length < PAGE) await sleep(POLL_INTERVAL_MS);
    }
  }

  /** Resolves with the time the org's event was first listed, or undefined after `timeoutMs`. */
  waitFor(orgId, timeoutMs = EVENT_TIMEOUT_MS) {
    if (this.seenAt.has(orgId)) return Promise.resolve(this.seenAt.get(orgId));
    return new Promise((resolve) => {
      const done = (at) => {
        clearTimeout(timer);
        this.waiters.delete(orgId);
        resolve(at);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.waiters.set(orgId, done);
    });
  }

  async stop() {
    this.stopped = true;
    await this.loop;
  }
}

/**
 * Creates `total` organizations with `concurrency` writers and measures each one's event lag.
 * Sequential (concurrency 1) waits for each event before the next POST; concurrent writers POST
 * back to back and the lags are collected afterwards.
 */
async function measureVisibility(ctx, watcher, { total, concurrency, label, budgetMs }) {
  const answered = []; // { id, at }
  let postErrors = 0;
  let next = 0;
  const started = performance.now();
  const lags = [];
  let missing = 0;
  const record = async (id, at) => {
    const seen = await watcher.waitFor(id);
    if (seen === undefined) missing++;
    else lags.push(Math.max(0, seen - at));
  };
  const pending = [];
  const writer = async () => {
    while (next < total && performance.now() - started < budgetMs) {
      const n = next++;
      const r = await ctx.api.request('POST', '/organizations', { name: `visibility ${ctx.runId} ${label} ${n}` }).catch(() => ({ status: 0 }));
      if (r.status !== 201) {
        postErrors++;
        continue;
      }
      answered.push({ id: r.body.id, at: r.at });
      const waiting = record(r.body.id, r.at);
      if (concurrency === 1) await waiting;
      else pending.push(waiting);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  return { requests: answered.length + postErrors, elapsed, errors: postErrors + missing, ...summarize(lags) };
}

export async function eventVisibility(ctx, { sequential = 300, concurrent = 300, concurrency = 32 } = {}) {
  const watcher = new EventWatcher(ctx.api, ctx.eventCursor);
  watcher.start();
  const rows = [];
  try {
    // Warm-up: a few organizations whose lags are not counted.
    await measureVisibility(ctx, watcher, { total: 10, concurrency: 1, label: 'warmup', budgetMs: 30_000 });
    const target = `p99 < ${VISIBILITY_TARGET_P99_MS} ms`;
    const seq = await ctx.measure('visibility-seq', () =>
      measureVisibility(ctx, watcher, { total: sequential, concurrency: 1, label: 'seq', budgetMs: 120_000 }),
    );
    rows.push({ name: `event visibility, ${seq.requests} sequential POSTs`, ...seq, target, pass: seq.p99 < VISIBILITY_TARGET_P99_MS && seq.errors === 0 });
    const conc = await ctx.measure('visibility-conc', () =>
      measureVisibility(ctx, watcher, { total: concurrent, concurrency, label: 'conc', budgetMs: 60_000 }),
    );
    rows.push({
      name: `event visibility, ${conc.requests} POSTs by ${concurrency} writers`,
      ...conc,
      target,
      pass: conc.p99 < VISIBILITY_TARGET_P99_MS && conc.errors === 0,
    });
  } finally {
    await watcher.stop();
  }
  return { rows, polls: watcher.polls, pollErrors: watcher.pollErrors };
}
