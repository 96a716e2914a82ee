/*
 * How the relay cuts pending outbox rows into Kafka produce requests. kafkajs encodes all the
 * messages of one partition in one request as a single record batch, and the broker refuses a
 * batch larger than its `max.message.bytes` (1 MiB by default) with MESSAGE_TOO_LARGE. Events of
 * one organization share a key, so a burst of them lands on one partition. Invariants:
 *  - a request holds a prefix of the pending rows in `seq` order, so per-key order is kept;
 *  - the uncompressed bytes of a whole request stay under `maxRequestBytes` (so every partition's
 *    batch does too; compression only makes it smaller), except a request of a single row;
 *  - a row larger than `maxRecordBytes` on its own can never be sent: it is dead-lettered.
 */

export interface BatchLimits {
  /** Rows per request. */
  maxRows: number;
  /** Uncompressed bytes per request (all partitions together); a single row may exceed it. */
  maxRequestBytes: number;
  /** A single record larger than this is dead-lettered instead of sent. */
  maxRecordBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxRows: 500, maxRequestBytes: 900_000, maxRecordBytes: 1_000_000 };

/* Record framing (lengths, varints, attributes) on top of key, value and headers; generous. */
export const RECORD_OVERHEAD_BYTES = 128;

export interface SizedRow {
  seq: string;
  /** Never smaller than the encoded record (key, value, headers, framing). */
  bytes: number;
}

export interface BatchPlan {
  /** Rows to load and send, a prefix of the pending rows. */
  send: string[];
  /** Rows that can never be sent (too large alone). */
  deadLetter: SizedRow[];
}

/**
 * Chooses the next request from pending rows in `seq` order. Oversized rows at the head are
 * dead-lettered; the first oversized row after a sendable one ends the request (it becomes the
 * head of the next plan), so the rows around it keep their order.
 */
export function planBatch(rows: SizedRow[], limits: BatchLimits): BatchPlan {
  const send: string[] = [];
  const deadLetter: SizedRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (send.length >= limits.maxRows) break;
    if (row.bytes > limits.maxRecordBytes) {
      if (send.length) break;
      deadLetter.push(row);
      continue;
    }
    if (send.length && bytes + row.bytes > limits.maxRequestBytes) break;
    send.push(row.seq);
    bytes += row.bytes;
  }
  return { send, deadLetter };
}

/** True when Kafka refused a request because a record or batch was too large. */
export function isTooLargeError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const x = e as { type?: string; cause?: unknown; originalError?: unknown; errors?: unknown[] };
    if (x.type === 'MESSAGE_TOO_LARGE' || x.type === 'RECORD_LIST_TOO_LARGE') return true;
    return visit(x.cause) || visit(x.originalError) || (Array.isArray(x.errors) && x.errors.some(visit));
  };
  return visit(err);
}
