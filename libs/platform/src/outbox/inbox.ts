import type { RawExecutor } from './outbox-writer';

/**
 * The idempotent-consumer inbox as the first services made it. Today the platform's migration
 * (libs/platform/migrations/20261203060000_platform_outbox_inbox_dead_letters, applied by the
 * migrator with each service's own migrations) creates it for every service; a service's own
 * migrations never do (test/architecture/kit-rules.ts). This copy is for tests that build the
 * table on a bare database; migrator.spec.ts checks that both give the same shape.
 */
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
