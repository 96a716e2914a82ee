-- Outbox rows Kafka can never take (security review H2) get a table of their own, so they can be
-- listed and replayed (`wos dead-letters <service> outbox …`). The relay moves a row here in one
-- statement (libs/platform/src/outbox/outbox-relay.ts). Same DDL as OUTBOX_DEAD_LETTERS_DDL
-- (libs/platform/src/outbox/outbox-writer.ts); idempotent like every platform migration.
CREATE TABLE IF NOT EXISTS "outbox_dead_letters" (
  "id" BIGSERIAL PRIMARY KEY,
  "seq" BIGINT NOT NULL,
  "event_id" TEXT NOT NULL,
  "topic" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "headers" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL,
  "dead_lettered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "error" TEXT NOT NULL,
  "replayed_at" TIMESTAMPTZ(3),
  "replayed_seq" BIGINT
);
CREATE INDEX IF NOT EXISTS "outbox_dead_letters_seq_idx" ON "outbox_dead_letters" ("seq");

-- Rows earlier relays marked in place move here too. The outbox keeps its dead_lettered_at and
-- dead_letter_error columns: a relay of the previous release still reads them during a rolling
-- upgrade (the new leader moves any row such a relay marks, when it takes over).
WITH moved AS (
  DELETE FROM "outbox" WHERE "dead_lettered_at" IS NOT NULL
  RETURNING "seq", "event_id", "topic", "key", "payload", "headers", "created_at", "dead_lettered_at", "dead_letter_error"
)
INSERT INTO "outbox_dead_letters" ("seq", "event_id", "topic", "key", "payload", "headers", "created_at", "dead_lettered_at", "error")
SELECT "seq", "event_id", "topic", "key", "payload", "headers", "created_at", "dead_lettered_at", coalesce("dead_letter_error", 'dead-lettered by an earlier relay') FROM moved;
