-- Consumed messages this service could not apply (or parse), set aside so their partition moves on;
-- replayed through the CLI (libs/platform/src/kafka/dead-letters.ts: CONSUMER_DEAD_LETTERS_DDL).
CREATE TABLE "consumer_dead_letters" (
  "id" BIGSERIAL PRIMARY KEY,
  "consumer_group" TEXT NOT NULL,
  "topic" TEXT NOT NULL,
  "partition" INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  "event_id" TEXT,
  "event_type" TEXT,
  "message_key" BYTEA,
  "message_value" BYTEA,
  "message_headers" JSONB NOT NULL DEFAULT '{}',
  "error" TEXT NOT NULL,
  "attempts" INTEGER NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "replay_requested_at" TIMESTAMPTZ(3),
  "replayed_at" TIMESTAMPTZ(3),
  "replay_error" TEXT
);
CREATE UNIQUE INDEX "consumer_dead_letters_position_key" ON "consumer_dead_letters" ("consumer_group", "topic", "partition", "offset");
CREATE INDEX "consumer_dead_letters_replay_idx" ON "consumer_dead_letters" ("consumer_group", "id") WHERE "replay_requested_at" IS NOT NULL AND "replayed_at" IS NULL;
