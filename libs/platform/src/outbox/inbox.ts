import type { RawExecutor } from './outbox-writer';

/** DDL for the idempotent-consumer inbox; consumers put it in one of their migrations. */
export const INBOX_DDL = `CREATE TABLE "inbox" (
  "consumer" TEXT NOT NULL,
  "event_id" TEXT NOT NULL,
  "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("consumer", "event_id")
);`;

/**
 * Records that `consumer` handled `eventId`, inside the transaction that applies the effect.
 * Returns false when it was already handled: the caller must then skip the effect.
 */
export async function claimInbox(tx: RawExecutor, consumer: string, eventId: string): Promise<boolean> {
  const n = await tx.$executeRawUnsafe('INSERT INTO "inbox" ("consumer", "event_id") VALUES ($1, $2) ON CONFLICT DO NOTHING', consumer, eventId);
  return n === 1;
}
