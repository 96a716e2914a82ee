CREATE TABLE "events" (
  "seq" BIGSERIAL PRIMARY KEY,
  "id" TEXT NOT NULL,
  "environment_id" TEXT NOT NULL,
  "event" TEXT NOT NULL,
  "organization_id" TEXT,
  "payload" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL,
  "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
-- The event ID is the consumer's idempotency record: a redelivered event inserts nothing.
CREATE UNIQUE INDEX "events_id_key" ON "events" ("id");
-- Every query starts with environment_id, then walks seq (the cursor order).
CREATE INDEX "events_environment_id_seq_idx" ON "events" ("environment_id", "seq");
CREATE INDEX "events_environment_id_event_seq_idx" ON "events" ("environment_id", "event", "seq");
CREATE INDEX "events_environment_id_organization_id_seq_idx" ON "events" ("environment_id", "organization_id", "seq");
-- Retention deletes by the event's own timestamp.
CREATE INDEX "events_created_at_idx" ON "events" ("created_at");
