-- Waitlists (WORKOS_API.md §7.10): one per environment, created on first use; entries are unique per address.
CREATE TABLE "waitlists" (
    "id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "waitlists_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "waitlists_environment_id_key" ON "waitlists"("environment_id");

CREATE TABLE "waitlist_entries" (
    "id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "waitlist_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "additional_fields" JSONB NOT NULL DEFAULT '{}',
    "approved_at" TIMESTAMPTZ(3),
    "invitation_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "waitlist_entries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "waitlist_entries_state_check" CHECK ("state" IN ('pending', 'approved', 'denied')),
    CONSTRAINT "waitlist_entries_waitlist_id_fkey" FOREIGN KEY ("waitlist_id") REFERENCES "waitlists"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "waitlist_entries_waitlist_id_email_key" ON "waitlist_entries"("waitlist_id", "email");
CREATE INDEX "waitlist_entries_environment_id_waitlist_id_id_idx" ON "waitlist_entries"("environment_id", "waitlist_id", "id");

-- Passwordless (Magic Link) sessions (WORKOS_API.md §15): the link's token is kept as SHA-256
-- (lookup) and sealed (the email is sent later, by sendSession); spent once (`used_at`).
CREATE TABLE "passwordless_sessions" (
    "id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "token_sealed" TEXT NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    "state" TEXT,
    "connection_id" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "passwordless_sessions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "passwordless_sessions_token_hash_key" ON "passwordless_sessions"("token_hash");
CREATE INDEX "passwordless_sessions_environment_id_id_idx" ON "passwordless_sessions"("environment_id", "id");

ALTER TABLE "email_deliveries" DROP CONSTRAINT "email_deliveries_template_check";
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_template_check" CHECK ("template" IN ('email_verification', 'magic_auth', 'password_reset', 'invitation', 'radar_challenge', 'passwordless_session', 'waitlist_confirmation'));
