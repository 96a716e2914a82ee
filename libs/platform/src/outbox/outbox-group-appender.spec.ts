import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client, Pool } from 'pg';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags, type Context, type ContextManager, type TextMapPropagator } from '@opentelemetry/api';
import { createTestDatabase, waitFor, type TestDatabase } from '../testing/testing';
import { buildEvent } from './build-event';
import { OutboxGroupAppender } from './outbox-group-appender';
import { OUTBOX_CHANNEL, OUTBOX_DDL, pgExecutor, type OutboxMessage, type RawExecutor } from './outbox-writer';

const TOPIC = 'test.group-appender';
/* `padding` (in the envelope's context) makes an event larger by that many bytes. */
const message = (label: string, padding = 0): OutboxMessage => ({
  topic: TOPIC,
  key: label,
  event: buildEvent('vault.dek.decrypted', { key_id: label, actor_id: 'api_key', actor_source: 'api', actor_name: 'API key' }, 'environment_T', padding ? { padding: 'x'.repeat(padding) } : undefined),
});

/**
 * The pool's executor, recording the rows of each statement; after hold(), each statement waits
 * at a gate until the test releases it, so batches form deterministically.
 */
function countingExecutor(inner: RawExecutor) {
  const statements: number[] = [];
  const gates: (() => void)[] = [];
  const onGate: (() => void)[] = [];
  let holding = false;
  const executor: RawExecutor = {
    async $executeRawUnsafe(text, ...values) {
      statements.push((JSON.parse(values[0] as string) as unknown[]).length); // the rows: one JSON array
      if (holding) {
        await new Promise<void>((release) => {
          gates.push(release);
          for (const wake of onGate.splice(0)) wake();
        });
      }
      return inner.$executeRawUnsafe(text, ...values);
    },
  };
  const gated = async (n: number) => {
    while (gates.length < n) await new Promise<void>((wake) => onGate.push(wake));
  };
  return {
    executor,
    statements,
    hold: () => (holding = true),
    /** Resolves once the n-th held statement (1-based) waits at its gate. */
    gated,
    release: (n: number) => gates[n - 1]!(),
    releaseAll: () => {
      holding = false;
      for (const release of gates) release();
    },
  };
}

/* The minimum of OpenTelemetry a test needs to see per-caller trace context: an async-local context and a traceparent propagator. */
class TestContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active = () => this.storage.getStore() ?? ROOT_CONTEXT;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable = () => this;
  disable = () => this;
}
const traceparentPropagator: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx);
    if (span) setter.set(carrier, 'traceparent', `00-${span.traceId}-${span.spanId}-01`);
  },
  extract: (ctx) => ctx,
  fields: () => ['traceparent'],
};

describe('OutboxGroupAppender (real Postgres)', () => {
  let db: TestDatabase;
  let pool: Pool;

  before(async () => {
    db = await createTestDatabase('outbox_group');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await pool.query(OUTBOX_DDL);
  });

  after(async () => {
    await pool.end();
    await db.drop();
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE outbox');
  });

  const storedIds = async (): Promise<string[]> => (await pool.query<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY seq')).rows.map((r) => r.event_id);

  test('concurrent appends land exactly once, in fewer statements, each visible when its call resolves, each caller in order', async (t) => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    let notifications = 0;
    listener.on('notification', () => notifications++);
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    t.after(() => listener.end());
    const counter = countingExecutor(pgExecutor(pool));
    const appender = new OutboxGroupAppender(counter.executor);
    const callers = Array.from({ length: 300 }, (_, c) => Array.from({ length: 1 + (c % 3) }, (_, i) => message(`c${c}m${i}`)));
    const visibleAtResolve = await Promise.all(
      callers.map(async (msgs) => {
        await appender.append(msgs);
        const ids = msgs.map((m) => m.event.id);
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE event_id = ANY($1)', [ids]);
        return rows[0]!.n === ids.length;
      }),
    );
    assert.ok(visibleAtResolve.every(Boolean), 'a caller resolved before its rows were committed');

    const stored = await storedIds();
    const expected = callers.flat().map((m) => m.event.id);
    assert.equal(stored.length, expected.length);
    assert.equal(new Set(stored).size, expected.length, 'a row was written twice');
    assert.deepEqual([...stored].sort(), [...expected].sort());
    assert.ok(counter.statements.length < callers.length / 10, `${counter.statements.length} statements for ${callers.length} appends`);
    assert.equal(counter.statements.reduce((a, b) => a + b, 0), expected.length);

    // One caller's rows are consecutive and in its order; callers follow arrival order.
    assert.deepEqual(stored, expected);
    // One NOTIFY per statement: the relay wakes per statement, not per append.
    await waitFor(() => notifications >= counter.statements.length || undefined, { message: 'a NOTIFY per statement' });
    assert.equal(notifications, counter.statements.length);
  });

  test("a failed statement is retried caller by caller: only the caller whose rows fail is rejected, and the next batch goes on", async () => {
    const counter = countingExecutor(pgExecutor(pool));
    const appender = new OutboxGroupAppender(counter.executor);
    const existing = message('existing');
    await appender.append([existing]);
    counter.hold();

    // Statement 2 holds A alone; B1..B3 queue behind it and share statement 3, which fails on B2's
    // duplicate event ID; each B is then written alone (statements 4-6: only B2's fails); C
    // arrives while statement 3 is in flight and goes in statement 7.
    const a = appender.append([message('a')]);
    await counter.gated(1);
    const b1 = message('b1');
    const b2dup = { ...message('b2'), event: existing.event };
    const b3 = [message('b3x'), message('b3y')];
    const bs = [appender.append([b1]), appender.append([b2dup]), appender.append(b3)];
    const bSettled = Promise.allSettled(bs);
    counter.release(1);
    await a;
    await counter.gated(2);
    const c = appender.append([message('c')]);
    counter.releaseAll();
    const settled = await bSettled;
    assert.deepEqual(settled.map((x) => x.status), ['fulfilled', 'rejected', 'fulfilled'], "one caller's bad row fails no one else");
    assert.equal(((settled[1] as PromiseRejectedResult).reason as { code?: string }).code, '23505');
    await c;

    assert.deepEqual(counter.statements, [1, 1, 4, 1, 1, 2, 1]);
    const stored = await storedIds();
    assert.ok([b1, ...b3].every((m) => stored.includes(m.event.id)), 'the good callers of the failed statement were written');
    assert.equal(stored.length, 6, 'existing, a, b1, b3x, b3y and c');
    assert.equal(stored.filter((id) => id === existing.event.id).length, 1, "the duplicate's row was not committed");
  });

  test('batches are bounded by rows and bytes; one caller is never split, even past the bound', async () => {
    const counter = countingExecutor(pgExecutor(pool));
    const appender = new OutboxGroupAppender(counter.executor, { maxRows: 10, maxBytes: 20_000 });
    counter.hold();
    const firstMessage = message('first');
    const first = appender.append([firstMessage]);
    await counter.gated(1);
    // Queued behind `first`: 25 single rows, a caller of 15 rows (over maxRows alone), 3 rows of
    // ~9 KB each (two fit in maxBytes, three do not), then 8 more single rows.
    const singles = Array.from({ length: 25 }, (_, i) => [message(`s${i}`)]);
    const big = Array.from({ length: 15 }, (_, i) => message(`big${i}`));
    const heavy = Array.from({ length: 3 }, (_, i) => [message(`h${i}`, 9_000)]);
    const tail = Array.from({ length: 8 }, (_, i) => [message(`t${i}`)]);
    const all = [...singles, big, ...heavy, ...tail];
    const done = Promise.all(all.map((m) => appender.append(m)));
    counter.releaseAll();
    await Promise.all([first, done]);

    // first | 10 | 10 | 5 singles (big does not fit) | big alone | h0 h1 (h2 would pass maxBytes) | h2 + tail
    assert.deepEqual(counter.statements, [1, 10, 10, 5, 15, 2, 9]);
    const stored = await storedIds();
    assert.deepEqual(stored, [firstMessage, ...all.flat()].map((m) => m.event.id));
  });

  test("every row carries its own caller's trace context, whoever's context runs the statement", async () => {
    const manager = new TestContextManager();
    context.setGlobalContextManager(manager);
    propagation.setGlobalPropagator(traceparentPropagator);
    try {
      const appender = new OutboxGroupAppender(pgExecutor(pool));
      const spanCtx = (i: number) => trace.setSpanContext(ROOT_CONTEXT, { traceId: `${i}`.padStart(32, 'a'), spanId: `${i}`.padStart(16, 'b'), traceFlags: TraceFlags.SAMPLED });
      const msgs = Array.from({ length: 20 }, (_, i) => message(`trace${i}`));
      await Promise.all(msgs.map((m, i) => context.with(spanCtx(i), () => appender.append([m]))));
      const { rows } = await pool.query<{ event_id: string; headers: Record<string, string> }>('SELECT event_id, headers FROM outbox ORDER BY seq');
      assert.equal(rows.length, 20);
      rows.forEach((r, i) => {
        assert.equal(r.event_id, msgs[i]!.event.id);
        assert.equal(r.headers.traceparent, `00-${`${i}`.padStart(32, 'a')}-${`${i}`.padStart(16, 'b')}-01`);
      });
    } finally {
      context.disable();
      propagation.disable();
    }
  });
});
