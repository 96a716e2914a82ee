CREATE TABLE "webhook_endpoints" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "endpoint_url" TEXT NOT NULL,
  "events" TEXT[] NOT NULL,
  "status" TEXT NOT NULL CHECK ("status" IN ('enabled', 'disabled')),
  "secret_sealed" TEXT NOT NULL,
  "previous_secret_sealed" TEXT,
  "previous_secret_expires_at" TIMESTAMPTZ(3),
  "failing_since" TIMESTAMPTZ(3),
  "disabled_reason" TEXT CHECK ("disabled_reason" IN ('manual', 'failing')),
  "disabled_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "webhook_endpoints_environment_id_id_idx" ON "webhook_endpoints" ("environment_id", "id");
-- One endpoint per URL per environment (a second registration is a 409).
CREATE UNIQUE INDEX "webhook_endpoints_environment_id_endpoint_url_key" ON "webhook_endpoints" ("environment_id", "endpoint_url");

CREATE TABLE "webhook_events" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "event" TEXT NOT NULL,
  "body" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "webhook_events_environment_id_created_at_idx" ON "webhook_events" ("environment_id", "created_at");

CREATE TABLE "deliveries" (
  "event_id" TEXT NOT NULL REFERENCES "webhook_events" ("id") ON DELETE CASCADE,
  "endpoint_id" TEXT NOT NULL REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE,
  "environment_id" TEXT NOT NULL,
  "status" TEXT NOT NULL CHECK ("status" IN ('pending', 'delivered', 'failed')),
  "attempts" INTEGER NOT NULL DEFAULT 0,
  -- Bumped by each redelivery or replay; a job carries the generation it was made for.
  "generation" INTEGER NOT NULL DEFAULT 0,
  "next_attempt_at" TIMESTAMPTZ(3),
  "lease_until" TIMESTAMPTZ(3),
  "trigger" TEXT NOT NULL DEFAULT 'event' CHECK ("trigger" IN ('event', 'redelivery', 'replay')),
  "last_error" TEXT,
  "delivered_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("event_id", "endpoint_id")
);
CREATE INDEX "deliveries_endpoint_id_idx" ON "deliveries" ("endpoint_id");
-- The reconciler's scan: only pending rows, by due time.
CREATE INDEX "deliveries_pending_due_idx" ON "deliveries" ("next_attempt_at") WHERE "status" = 'pending';

CREATE TABLE "delivery_attempts" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "endpoint_id" TEXT NOT NULL,
  "event_id" TEXT NOT NULL,
  "event_type" TEXT NOT NULL,
  "attempt" INTEGER NOT NULL,
  "trigger" TEXT NOT NULL,
  "status" TEXT NOT NULL CHECK ("status" IN ('succeeded', 'failed')),
  "status_code" INTEGER,
  "latency_ms" INTEGER NOT NULL,
  "error" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "delivery_attempts_endpoint_id_id_idx" ON "delivery_attempts" ("endpoint_id", "id");

CREATE TABLE "inbox" (
  "consumer" TEXT NOT NULL,
  "event_id" TEXT NOT NULL,
  "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("consumer", "event_id")
);
