-- Audit-log exports: one CSV per export, written by a BullMQ job into the export storage.
-- state: pending → ready (file_key set) or error. Filters are kept as requested.
CREATE TABLE "audit_log_exports" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "state" TEXT NOT NULL DEFAULT 'pending',
  "range_start" TIMESTAMPTZ(3) NOT NULL,
  "range_end" TIMESTAMPTZ(3) NOT NULL,
  "filters" JSONB NOT NULL,
  "row_count" INTEGER,
  "file_key" TEXT,
  "error" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "audit_log_exports_state_check" CHECK ("state" IN ('pending', 'ready', 'error'))
);
CREATE INDEX "audit_log_exports_environment_id_organization_id_idx" ON "audit_log_exports" ("environment_id", "organization_id");
CREATE INDEX "audit_log_exports_pending_idx" ON "audit_log_exports" ("created_at") WHERE "state" = 'pending';
