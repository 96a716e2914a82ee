-- A row Kafka can never take (larger than the broker accepts) is set aside with its error instead
-- of blocking every row behind it (libs/platform/src/outbox: OUTBOX_DEAD_LETTER_DDL).
ALTER TABLE "outbox" ADD COLUMN "dead_lettered_at" TIMESTAMPTZ(3), ADD COLUMN "dead_letter_error" TEXT;
DROP INDEX IF EXISTS "outbox_unpublished_idx";
CREATE INDEX "outbox_pending_idx" ON "outbox" ("seq") WHERE "published_at" IS NULL AND "dead_lettered_at" IS NULL;
