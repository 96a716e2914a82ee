-- The last SCIM requests of each directory (at most 50 are kept), for the Admin Portal and
-- GET /directories/:id/scim_requests: what the IdP sent, what we answered, and known IdP quirks.
CREATE TABLE "scim_request_log" (
  "id" BIGSERIAL PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "directory_id" TEXT NOT NULL REFERENCES "directories" ("id") ON DELETE CASCADE,
  "method" TEXT NOT NULL,
  "path" TEXT NOT NULL,
  "status" INTEGER NOT NULL,
  "duration_ms" INTEGER NOT NULL,
  "error" TEXT,
  "quirks" TEXT[] NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "scim_request_log_directory_idx" ON "scim_request_log" ("directory_id", "id" DESC);
