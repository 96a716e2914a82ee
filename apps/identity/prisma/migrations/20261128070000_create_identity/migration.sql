CREATE TABLE "users" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "email_verified" BOOLEAN NOT NULL DEFAULT false,
  "first_name" TEXT,
  "last_name" TEXT,
  "name" TEXT,
  "profile_picture_url" TEXT,
  "locale" TEXT,
  "external_id" TEXT,
  "metadata" JSONB NOT NULL DEFAULT '{}',
  "password_hash" TEXT,
  "last_sign_in_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
-- Emails are stored lowercased, so this index makes them case-insensitively unique.
CREATE UNIQUE INDEX "users_environment_id_email_key" ON "users" ("environment_id", "email");
CREATE UNIQUE INDEX "users_environment_id_external_id_key" ON "users" ("environment_id", "external_id");
CREATE INDEX "users_environment_id_id_idx" ON "users" ("environment_id", "id");

CREATE TABLE "sessions" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "user_id" TEXT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
  "organization_id" TEXT,
  "auth_method" TEXT NOT NULL,
  "status" TEXT NOT NULL CHECK ("status" IN ('active', 'revoked')),
  "ip_address" TEXT,
  "user_agent" TEXT,
  "impersonator" JSONB,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "ended_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "sessions_environment_id_user_id_id_idx" ON "sessions" ("environment_id", "user_id", "id");

CREATE TABLE "refresh_tokens" (
  "token_hash" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "session_id" TEXT NOT NULL REFERENCES "sessions" ("id") ON DELETE CASCADE,
  "organization_id" TEXT,
  "used_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "refresh_tokens_session_id_idx" ON "refresh_tokens" ("session_id");

CREATE TABLE "signing_keys" (
  "kid" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "public_jwk" JSONB NOT NULL,
  "private_key" TEXT NOT NULL,
  "superseded_at" TIMESTAMPTZ(3),
  "retire_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "signing_keys_environment_id_created_at_idx" ON "signing_keys" ("environment_id", "created_at");

CREATE TABLE "pending_authentications" (
  "token_hash" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "user_id" TEXT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
  "kind" TEXT NOT NULL CHECK ("kind" IN ('organization_selection', 'mfa_enrollment', 'mfa_challenge', 'email_verification')),
  "auth_method" TEXT NOT NULL,
  "organization_id" TEXT,
  "ip_address" TEXT,
  "user_agent" TEXT,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "consumed_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE "organization_memberships" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "user_id" TEXT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
  "organization_id" TEXT NOT NULL,
  "organization_name" TEXT NOT NULL,
  "status" TEXT NOT NULL CHECK ("status" IN ('active', 'inactive', 'pending')),
  "role_slugs" TEXT[] NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
-- A user is a member of an organization at most once.
CREATE UNIQUE INDEX "organization_memberships_environment_id_user_id_organization_id_key" ON "organization_memberships" ("environment_id", "user_id", "organization_id");
CREATE INDEX "organization_memberships_environment_id_organization_id_id_idx" ON "organization_memberships" ("environment_id", "organization_id", "id");

CREATE TABLE "auth_factors" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "user_id" TEXT REFERENCES "users" ("id") ON DELETE CASCADE,
  "type" TEXT NOT NULL CHECK ("type" IN ('totp', 'sms', 'generic_otp')),
  "totp_issuer" TEXT,
  "totp_user" TEXT,
  "secret" TEXT,
  "phone_number" TEXT,
  "last_used_step" BIGINT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "auth_factors_environment_id_user_id_id_idx" ON "auth_factors" ("environment_id", "user_id", "id");

CREATE TABLE "auth_challenges" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "factor_id" TEXT NOT NULL REFERENCES "auth_factors" ("id") ON DELETE CASCADE,
  "expires_at" TIMESTAMPTZ(3),
  "verified_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "auth_challenges_factor_id_idx" ON "auth_challenges" ("factor_id");

CREATE TABLE "outbox" (
  "seq" BIGSERIAL PRIMARY KEY,
  "event_id" TEXT NOT NULL UNIQUE,
  "topic" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "headers" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "published_at" TIMESTAMPTZ(3)
);
CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("seq") WHERE "published_at" IS NULL;
