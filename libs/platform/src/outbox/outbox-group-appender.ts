import { injectTraceHeaders } from '../telemetry/telemetry';
import {
  OUTBOX_CTE_PARAMS,
  outboxInsertCte,
  outboxMessageId,
  outboxPayloadJson,
  withOutboxNotify,
  type OutboxEncodedMessage,
  type OutboxMessage,
  type OutboxRawMessage,
  type RawExecutor,
} from './outbox-writer';

export interface OutboxGroupLimits {
  /** Rows per statement. */
  maxRows: number;
  /** Payload bytes (JSON text) per statement. */
  maxBytes: number;
}

export const DEFAULT_OUTBOX_GROUP_LIMITS: OutboxGroupLimits = { maxRows: 500, maxBytes: 4 * 1024 * 1024 };

/* Postgres's limit on the parameters of one statement (a 16-bit count in the wire protocol). */
const PG_MAX_BIND_PARAMS = 65_535;

interface Waiter {
  rows: OutboxEncodedMessage[];
  /* The caller's trace context, captured at append(): the statement runs in another caller's context. */
  headers: Record<string, string>;
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for event-only outbox appends: events that record a read (or a refused attempt)
 * and have no state change to commit with. One autocommit statement per request costs one
 * commit with a NOTIFY per request, and Postgres serialises committing transactions that NOTIFY
 * (one global lock), so that caps a service's request rate. Here the callers that queue while a
 * statement is in flight share the next one: one multi-row INSERT, one NOTIFY, one commit.
 * An idle service still writes each append at once (no timer, no added latency).
 *
 * Invariants:
 *  - at most one statement of an appender is in flight; appends that arrive meanwhile queue in
 *    arrival order and go, in that order, into the next statement;
 *  - one caller's messages are never split or interleaved: they are consecutive rows, in their
 *    order, of one statement, which is atomic, so they commit together or not at all;
 *  - append() resolves only after the statement holding its messages committed. When a shared
 *    statement fails (none of its rows exist), each of its callers is written again on its own,
 *    so only a caller whose own rows fail is rejected, with its error; then the next batch goes on;
 *  - a statement holds at most `maxRows` rows and `maxBytes` of payload, except a single append
 *    that exceeds either alone: it is written alone (as appendToOutbox would have written it).
 *    The statement binds OUTBOX_CTE_PARAMS array parameters whatever its row count, so it never
 *    nears Postgres's 65,535 bind parameters (checked at construction);
 *  - every row carries the trace headers of its own caller's context.
 * Not for the events of a state change: those commit in the change's transaction (appendToOutbox).
 * The executor must run each statement on its own (a pool, autocommit), never inside a transaction.
 */
export class OutboxGroupAppender {
  private queue: Waiter[] = [];
  private writing = false;
  private idleWaiters: (() => void)[] = [];
  private readonly limits: OutboxGroupLimits;

  constructor(
    private readonly executor: RawExecutor,
    limits: Partial<OutboxGroupLimits> = {},
  ) {
    this.limits = { ...DEFAULT_OUTBOX_GROUP_LIMITS, ...limits };
    if (!(this.limits.maxRows >= 1 && this.limits.maxBytes >= 1)) throw new Error('OutboxGroupAppender: limits must be positive');
    if (OUTBOX_CTE_PARAMS > PG_MAX_BIND_PARAMS) throw new Error('OutboxGroupAppender: the outbox statement binds too many parameters');
  }

  /** Appends `messages` (in order) to the outbox; resolves once they committed. */
  append(messages: (OutboxMessage | OutboxRawMessage)[]): Promise<void> {
    if (!messages.length) return Promise.resolve();
    let rows: OutboxEncodedMessage[];
    try {
      rows = messages.map((m) => ({ topic: m.topic, key: m.key, id: outboxMessageId(m), json: outboxPayloadJson(m) }));
    } catch (err) {
      return Promise.reject(err);
    }
    const bytes = rows.reduce((n, r) => n + Buffer.byteLength(r.json), 0);
    const headers = injectTraceHeaders({});
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, headers, bytes, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Resolves once nothing is queued or in flight (shutdown, tests). */
  idle(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /* Nest: a statement in flight finishes before the pool under it ends (onApplicationShutdown). */
  beforeApplicationShutdown(): Promise<void> {
    return this.idle();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        const batch = this.takeBatch();
        try {
          await this.write(batch);
        } catch (err) {
          if (batch.length === 1) batch[0]!.reject(err);
          else await this.writeEachAlone(batch);
          continue;
        }
        for (const w of batch) w.resolve();
      }
    } finally {
      this.writing = false;
      for (const done of this.idleWaiters.splice(0)) done();
    }
  }

  /* After a shared statement failed: one caller's bad rows must not fail the others, so each is written on its own. */
  private async writeEachAlone(batch: Waiter[]): Promise<void> {
    for (const w of batch) {
      try {
        await this.write([w]);
        w.resolve();
      } catch (err) {
        w.reject(err);
      }
    }
  }

  /* The longest prefix of the queue within the limits; at least one append. */
  private takeBatch(): Waiter[] {
    let rows = 0;
    let bytes = 0;
    let n = 0;
    for (const w of this.queue) {
      if (n > 0 && (rows + w.rows.length > this.limits.maxRows || bytes + w.bytes > this.limits.maxBytes)) break;
      rows += w.rows.length;
      bytes += w.bytes;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async write(batch: Waiter[]): Promise<void> {
    const rows = batch.flatMap((w) => w.rows);
    const headers = batch.flatMap((w) => w.rows.map(() => w.headers));
    const { cte, values } = outboxInsertCte(rows, 1, headers);
    await this.executor.$executeRawUnsafe(withOutboxNotify(cte), ...values);
  }
}
