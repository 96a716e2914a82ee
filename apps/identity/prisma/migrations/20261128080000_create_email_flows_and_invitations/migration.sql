-- Email verification codes, magic auth codes and password reset tokens. Secrets are stored as
-- SHA-256 (checked in constant time) plus a SecretBox-sealed copy for GET; never in plaintext.
CREATE TABLE "one_time_secrets" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "kind" TEXT NOT NULL CHECK ("kind" IN ('email_verification', 'magic_auth', 'password_reset')),
  "user_id" TEXT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
  "email" TEXT NOT NULL,
  "secret_hash" TEXT NOT NULL,
  "secret_sealed" TEXT NOT NULL,
  "failed_attempts" INTEGER NOT NULL DEFAULT 0,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "consumed_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "one_time_secrets_environment_id_user_id_kind_created_at_idx" ON "one_time_secrets" ("environment_id", "user_id", "kind", "created_at");
CREATE INDEX "one_time_secrets_environment_id_kind_secret_hash_idx" ON "one_time_secrets" ("environment_id", "kind", "secret_hash");

CREATE TABLE "invitations" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "state" TEXT NOT NULL CHECK ("state" IN ('pending', 'accepted', 'revoked')),
  "organization_id" TEXT,
  "inviter_user_id" TEXT,
  "accepted_user_id" TEXT,
  "role_slug" TEXT,
  "locale" TEXT,
  "token_hash" TEXT NOT NULL UNIQUE,
  "token_sealed" TEXT NOT NULL,
  "membership_id" TEXT,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "accepted_at" TIMESTAMPTZ(3),
  "revoked_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  -- A state's timestamp is set exactly when the invitation is in that state.
  CHECK (("state" = 'accepted') = ("accepted_at" IS NOT NULL)),
  CHECK (("state" = 'revoked') = ("revoked_at" IS NOT NULL))
);
CREATE INDEX "invitations_environment_id_id_idx" ON "invitations" ("environment_id", "id");
CREATE INDEX "invitations_environment_id_email_id_idx" ON "invitations" ("environment_id", "email", "id");
CREATE INDEX "invitations_environment_id_organization_id_id_idx" ON "invitations" ("environment_id", "organization_id", "id");
