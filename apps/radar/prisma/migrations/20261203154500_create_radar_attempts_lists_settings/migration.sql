-- Radar's domain replaces the service template's sample aggregate.
DROP TABLE IF EXISTS "template_samples";

-- One row per assessed sign-in or sign-up (createAttempt), with its verdict and outcome.
CREATE TABLE "radar_attempts" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "ip_address" TEXT NOT NULL,
  "user_agent" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "user_id" TEXT,
  "auth_method" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "verdict" TEXT NOT NULL,
  "reason" TEXT NOT NULL,
  "control" TEXT,
  "blocklist_type" TEXT,
  "findings" JSONB NOT NULL DEFAULT '[]',
  "attempt_status" TEXT,
  "challenge_status" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "radar_attempts_environment_id_id_idx" ON "radar_attempts" ("environment_id", "id");
CREATE INDEX "radar_attempts_environment_id_email_idx" ON "radar_attempts" ("environment_id", "email");

-- The last successful sign-in per account (stale-account control).
CREATE TABLE "radar_accounts" (
  "environment_id" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "last_success_at" TIMESTAMPTZ(3) NOT NULL,
  "last_success_ip" TEXT NOT NULL,
  PRIMARY KEY ("environment_id", "email")
);

-- Allow and deny lists; `entry` is stored normalised (lower case, canonical CIDR).
CREATE TABLE "radar_list_entries" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "type" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "entry" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "radar_list_entries_environment_id_type_action_entry_key" ON "radar_list_entries" ("environment_id", "type", "action", "entry");

-- Per-environment control modes and thresholds; an environment without a row uses the defaults.
CREATE TABLE "radar_settings" (
  "environment_id" TEXT PRIMARY KEY,
  "settings" JSONB NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
