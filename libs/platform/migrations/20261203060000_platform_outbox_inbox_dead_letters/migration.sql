-- The platform's tables, applied by the migrator with every service's own migrations (merged by
-- name), so a service never writes them itself. Every statement is idempotent: services created
-- before the kit made these tables in their own migrations, and this one must leave theirs as
-- they are. Append-only like any migration: a change is a new folder here.

-- Transactional outbox (libs/platform/src/outbox): rows committed with the state change, published
-- in seq order by the relay; a row Kafka can never take is dead-lettered instead of blocking.
CREATE TABLE IF NOT EXISTS "outbox" (
  "seq" BIGSERIAL PRIMARY KEY,
  "event_id" TEXT NOT NULL UNIQUE,
  "topic" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "headers" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "published_at" TIMESTAMPTZ(3),
  "dead_lettered_at" TIMESTAMPTZ(3),
  "dead_letter_error" TEXT
);
CREATE INDEX IF NOT EXISTS "outbox_pending_idx" ON "outbox" ("seq") WHERE "published_at" IS NULL AND "dead_lettered_at" IS NULL;

-- Idempotent consumers: one row per (consumer, event) handled, written with the effect.
CREATE TABLE IF NOT EXISTS "inbox" (
  "consumer" TEXT NOT NULL,
  "event_id" TEXT NOT NULL,
  "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("consumer", "event_id")
);

-- Messages a consumer group could not apply or parse, kept for the dead-letters CLI to replay.
CREATE TABLE IF NOT EXISTS "consumer_dead_letters" (
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
CREATE UNIQUE INDEX IF NOT EXISTS "consumer_dead_letters_position_key" ON "consumer_dead_letters" ("consumer_group", "topic", "partition", "offset");
CREATE INDEX IF NOT EXISTS "consumer_dead_letters_replay_idx" ON "consumer_dead_letters" ("consumer_group", "id") WHERE "replay_requested_at" IS NOT NULL AND "replayed_at" IS NULL;
