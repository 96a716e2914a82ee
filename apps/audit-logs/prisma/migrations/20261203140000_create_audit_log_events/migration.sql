-- The template's sample aggregate is replaced by the Audit Logs domain.
DROP TABLE IF EXISTS "template_samples";

-- Accepted audit-log events, natively partitioned by month of occurred_at. The service creates
-- each month's partition (audit_log_events_pYYYYMM, [first of month, first of next month) in UTC)
-- ahead of time and on demand; there is no default partition, so a new month never has to be
-- split out of one. Retention drops whole expired partitions and prunes the rest in batches.
-- The primary key must contain the partition key.
CREATE TABLE "audit_log_events" (
  "id" TEXT NOT NULL,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "version" INTEGER,
  "occurred_at" TIMESTAMPTZ(3) NOT NULL,
  "actor" JSONB NOT NULL,
  "targets" JSONB NOT NULL,
  "context" JSONB NOT NULL,
  "metadata" JSONB,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("occurred_at", "id")
) PARTITION BY RANGE ("occurred_at");
CREATE INDEX "audit_log_events_environment_id_organization_id_occurred_at_idx" ON "audit_log_events" ("environment_id", "organization_id", "occurred_at");

-- Idempotency-Key of each accepted event for 24 hours, per environment (the gateway's scope):
-- the durable second line behind the gateway's Redis record, so a retry whose first attempt
-- committed here (an upstream timeout, a lost Redis record) never stores the event twice.
CREATE TABLE "audit_log_idempotency_keys" (
  "environment_id" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "request_sha256" TEXT NOT NULL,
  "event_id" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("environment_id", "key")
);
CREATE INDEX "audit_log_idempotency_keys_created_at_idx" ON "audit_log_idempotency_keys" ("created_at");

-- Versioned schemas per (environment, action); versions start at 1 and never change once written.
CREATE TABLE "audit_log_schemas" (
  "environment_id" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "version" INTEGER NOT NULL,
  "targets" JSONB NOT NULL,
  "actor" JSONB,
  "metadata" JSONB,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("environment_id", "action", "version")
);

-- An organization's retention when it is not the default (AUDIT_LOGS_DEFAULT_RETENTION_DAYS).
CREATE TABLE "audit_log_retention" (
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "retention_days" INTEGER NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("environment_id", "organization_id")
);
