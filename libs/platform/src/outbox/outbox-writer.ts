import type { EventEnvelope } from '@wos/contracts';
import { injectTraceHeaders } from '../telemetry/telemetry';

/** The part of a Prisma transaction client the outbox needs. */
export interface RawExecutor {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

export interface OutboxMessage {
  topic: string;
  /** Organization ID where there is one, else the entity ID: Kafka keeps per-key order. */
  key: string;
  event: EventEnvelope;
}

/**
 * The DDL every producing service puts in one of its migrations. The relay relies on exactly
 * these columns.
 */
export const OUTBOX_DDL = `CREATE TABLE "outbox" (
  "seq" BIGSERIAL PRIMARY KEY,
  "event_id" TEXT NOT NULL UNIQUE,
  "topic" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "headers" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "published_at" TIMESTAMPTZ(3)
);
CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("seq") WHERE "published_at" IS NULL;`;

export const OUTBOX_CHANNEL = 'outbox';

/**
 * Appends events to the outbox inside the caller's transaction. Invariant: call this only with
 * the same transaction client that writes the state change, so the change and its event commit
 * or roll back together. The NOTIFY is delivered on commit and wakes the relay at once.
 */
export async function appendToOutbox(tx: RawExecutor, messages: OutboxMessage[]): Promise<void> {
  if (!messages.length) return;
  const headers = JSON.stringify(injectTraceHeaders({}));
  for (const m of messages) {
    await tx.$executeRaw`INSERT INTO "outbox" ("event_id", "topic", "key", "payload", "headers")
      VALUES (${m.event.id}, ${m.topic}, ${m.key}, ${JSON.stringify(m.event)}::jsonb, ${headers}::jsonb)`;
  }
  await tx.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
}
