import { GroupCommitQueue, type GroupCommitItem, type GroupCommitLimits } from '../prisma/group-commit';
import {
  callerOutboxHeaders,
  encodeOutboxMessage,
  OUTBOX_CTE_PARAMS,
  outboxInsertCte,
  withOutboxNotify,
  type OutboxEncodedMessage,
  type OutboxMessage,
  type OutboxRawMessage,
  type RawExecutor,
} from './outbox-writer';

export type OutboxGroupLimits = GroupCommitLimits;

export const DEFAULT_OUTBOX_GROUP_LIMITS: OutboxGroupLimits = { maxRows: 500, maxBytes: 4 * 1024 * 1024 };

/* Postgres's limit on the parameters of one statement (a 16-bit count in the wire protocol). */
const PG_MAX_BIND_PARAMS = 65_535;

interface Append extends GroupCommitItem {
  messages: OutboxEncodedMessage[];
  /* The caller's trace context, captured at append(): the statement runs in another caller's context. */
  headers: Record<string, string>;
}

/**
 * Group commit for event-only outbox appends: events that record a read (or a refused attempt)
 * and have no state change to commit with. One autocommit statement per request costs one
 * commit with a NOTIFY per request, and Postgres serialises committing transactions that NOTIFY
 * (one global lock), so that caps a service's request rate. Here the callers that queue while a
 * statement is in flight share the next one: one multi-row INSERT, one NOTIFY, one commit
 * (GroupCommitQueue, whose invariants hold: arrival order, all-or-nothing per caller, a shared
 * statement that fails is retried per caller, the limits per statement).
 *
 * Invariants of its own:
 *  - one caller's messages are consecutive rows, in their order, of one statement;
 *  - the statement binds OUTBOX_CTE_PARAMS array parameters whatever its row count, so it never
 *    nears Postgres's 65,535 bind parameters (checked at construction);
 *  - every row carries the trace headers of its own caller's context.
 * Not for the events of a state change: those commit in the change's transaction (appendToOutbox).
 * The executor must run each statement on its own (a pool, autocommit), never inside a transaction.
 */
export class OutboxGroupAppender {
  private readonly queue: GroupCommitQueue<Append>;

  constructor(
    private readonly executor: RawExecutor,
    limits: Partial<OutboxGroupLimits> = {},
  ) {
    this.queue = new GroupCommitQueue((batch) => this.write(batch), { ...DEFAULT_OUTBOX_GROUP_LIMITS, ...limits });
    if (OUTBOX_CTE_PARAMS > PG_MAX_BIND_PARAMS) throw new Error('OutboxGroupAppender: the outbox statement binds too many parameters');
  }

  /** Appends `messages` (in order) to the outbox; resolves once they committed. */
  append(messages: (OutboxMessage | OutboxRawMessage)[]): Promise<void> {
    if (!messages.length) return Promise.resolve();
    let rows: OutboxEncodedMessage[];
    try {
      rows = messages.map(encodeOutboxMessage);
    } catch (err) {
      return Promise.reject(err);
    }
    const bytes = rows.reduce((n, r) => n + Buffer.byteLength(r.json), 0);
    return this.queue.submit({ messages: rows, rows: rows.length, bytes, headers: callerOutboxHeaders() });
  }

  /** Resolves once nothing is queued or in flight (shutdown, tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /* Nest: a statement in flight finishes before the pool under it ends (onApplicationShutdown). */
  beforeApplicationShutdown(): Promise<void> {
    return this.idle();
  }

  private async write(batch: Append[]): Promise<void> {
    const rows = batch.flatMap((a) => a.messages);
    const headers = batch.flatMap((a) => a.messages.map(() => a.headers));
    const { cte, values } = outboxInsertCte(rows, 1, headers);
    await this.executor.$executeRawUnsafe(withOutboxNotify(cte), ...values);
  }
}
