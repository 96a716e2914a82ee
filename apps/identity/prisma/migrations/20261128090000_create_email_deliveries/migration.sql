-- The mail outbox: one row per email, written with the state change it belongs to.
CREATE TABLE "email_deliveries" (
  "id" BIGSERIAL PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "template" TEXT NOT NULL CHECK ("template" IN ('email_verification', 'magic_auth', 'password_reset', 'invitation')),
  "entity_id" TEXT NOT NULL,
  "recipient" TEXT NOT NULL,
  "vars" JSONB NOT NULL DEFAULT '{}',
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "sent_at" TIMESTAMPTZ(3),
  "closed_reason" TEXT,
  "last_error" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
-- The sender's scan: due rows that are neither sent nor given up.
CREATE INDEX "email_deliveries_next_attempt_at_idx" ON "email_deliveries" ("next_attempt_at") WHERE "sent_at" IS NULL AND "closed_reason" IS NULL;
