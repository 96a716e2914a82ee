-- Log streams: one organization's audit-log events sent to one destination, in chain order.
-- delivered_seq is the chain position of the last event a destination acknowledged: the only
-- delivery state (at least once: a batch is sent again when its acknowledgement was not stored).
CREATE TABLE "audit_log_streams" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "type" TEXT NOT NULL,
  "name" TEXT,
  "state" TEXT NOT NULL DEFAULT 'active',
  "config" JSONB NOT NULL,
  "secrets_sealed" TEXT NOT NULL,
  "delivered_seq" BIGINT NOT NULL,
  "failures" INTEGER NOT NULL DEFAULT 0,
  "next_attempt_at" TIMESTAMPTZ(3),
  "last_error" TEXT,
  "last_delivered_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "audit_log_streams_type_check" CHECK ("type" IN ('datadog', 'splunk', 'https', 's3')),
  CONSTRAINT "audit_log_streams_state_check" CHECK ("state" IN ('active', 'paused'))
);
CREATE INDEX "audit_log_streams_environment_id_organization_id_idx" ON "audit_log_streams" ("environment_id", "organization_id");
