export interface GroupCommitLimits {
  /** Rows per statement. */
  maxRows: number;
  /** Payload bytes per statement. */
  maxBytes: number;
  /**
   * Statements in flight at once (default 1). With more than one, two statements may commit in
   * either order: only for items that need no order between them (events of distinct keys).
   */
  maxInFlight?: number;
}

/** One caller's share of a statement: what `write` needs, and its size against the limits. */
export interface GroupCommitItem {
  rows: number;
  bytes: number;
}

interface Waiter<T extends GroupCommitItem, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: callers that submit while a statement is in flight share the next one, so a
 * busy service pays one round trip and one commit (and one NOTIFY, where the statement sends
 * one) for many requests. An idle service still writes each submission at once (no timer, no
 * added latency).
 *
 * Hot reads share statements the same way: a `write` that returns an array answers each item
 * with the element at its index (one lookup statement for every caller that asked meanwhile;
 * on a busy 2-core machine each round trip saved is a wake-up of Postgres and of the service).
 *
 * Invariants:
 *  - at most `maxInFlight` statements (default 1) are in flight; submissions that arrive
 *    meanwhile queue in arrival order and go, in that order, into the next statement;
 *  - `write` gets whole items, never a part of one, and must write them atomically (one
 *    statement), so one caller's rows commit together or not at all;
 *  - submit() resolves only after the statement holding its item committed, with the item's own
 *    result (the element at its index; undefined when `write` returns nothing). When a shared
 *    statement fails (none of its rows exist), each of its items is written again on its own,
 *    so only a caller whose own item fails is rejected, with its error; then the next batch goes on;
 *  - a statement holds at most `maxRows` rows and `maxBytes` bytes, except a single item that
 *    exceeds either alone: it is written alone.
 */
export class GroupCommitQueue<T extends GroupCommitItem, R = void> {
  private queue: Waiter<T, R>[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly limits: GroupCommitLimits,
  ) {
    this.maxInFlight = limits.maxInFlight ?? 1;
    if (!(limits.maxRows >= 1 && limits.maxBytes >= 1 && this.maxInFlight >= 1)) throw new Error('GroupCommitQueue: limits must be positive');
  }

  /** Resolves once `item` committed (in a statement of its own or shared), with its result. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Resolves once nothing is queued or in flight (shutdown, tests). */
  idle(): Promise<void> {
    if (!this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /* Starts statements while a slot is free and items wait. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        this.pump();
        if (!this.inFlight) for (const done of this.idleWaiters.splice(0)) done();
      });
    }
  }

  /* Never rejects: each waiter is settled with its own outcome. */
  private async commit(batch: Waiter<T, R>[]): Promise<void> {
    let returned: R[] | void;
    try {
      returned = await this.write(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1) batch[0]!.reject(err);
      else await this.writeEachAlone(batch);
      return;
    }
    settle(batch, returned);
  }

  /* After a shared statement failed: one caller's bad rows must not fail the others, so each is written on its own. */
  private async writeEachAlone(batch: Waiter<T, R>[]): Promise<void> {
    for (const w of batch) {
      let returned: R[] | void;
      try {
        returned = await this.write([w.item]);
      } catch (err) {
        w.reject(err);
        continue;
      }
      settle([w], returned);
    }
  }

  /* The longest prefix of the queue within the limits; at least one item. */
  private takeBatch(): Waiter<T, R>[] {
    let rows = 0;
    let bytes = 0;
    let n = 0;
    for (const w of this.queue) {
      if (n > 0 && (rows + w.item.rows > this.limits.maxRows || bytes + w.item.bytes > this.limits.maxBytes)) break;
      rows += w.item.rows;
      bytes += w.item.bytes;
      n++;
    }
    return this.queue.splice(0, n);
  }
}

/*
 * Answers a committed statement's callers, each with the result at its index. A `write` that
 * returned another count than it was given is a bug: its callers are rejected (never written
 * again: the statement did commit).
 */
function settle<T extends GroupCommitItem, R>(batch: Waiter<T, R>[], returned: R[] | void): void {
  if (returned !== undefined && returned.length !== batch.length) {
    const err = new Error(`GroupCommitQueue: write returned ${returned.length} results for ${batch.length} items`);
    for (const w of batch) w.reject(err);
    return;
  }
  batch.forEach((w, i) => w.resolve(returned?.[i] as R));
}
