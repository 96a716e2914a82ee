CREATE TABLE "directories" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "type" TEXT NOT NULL,
  "domain" TEXT,
  "external_key" TEXT NOT NULL,
  "state" TEXT NOT NULL CHECK ("state" IN ('linked', 'unlinked', 'validating', 'invalid_credentials', 'deleting')),
  "token_hash" TEXT NOT NULL,
  "token_created_at" TIMESTAMPTZ(3) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "directories_environment_id_id_idx" ON "directories" ("environment_id", "id");
CREATE INDEX "directories_environment_id_organization_id_id_idx" ON "directories" ("environment_id", "organization_id", "id");

CREATE TABLE "directory_users" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "directory_id" TEXT NOT NULL REFERENCES "directories" ("id") ON DELETE CASCADE,
  "organization_id" TEXT NOT NULL,
  "idp_id" TEXT NOT NULL,
  "user_name" TEXT NOT NULL,
  "external_id" TEXT,
  "emails" TEXT[] NOT NULL DEFAULT '{}',
  "email" TEXT,
  "first_name" TEXT,
  "last_name" TEXT,
  "state" TEXT NOT NULL CHECK ("state" IN ('active', 'inactive', 'suspended')),
  "custom_attributes" JSONB NOT NULL DEFAULT '{}',
  "raw_attributes" JSONB NOT NULL DEFAULT '{}',
  "roles" TEXT[] NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "directory_users_environment_id_directory_id_id_idx" ON "directory_users" ("environment_id", "directory_id", "id");
-- SCIM userName is unique per directory and case-insensitive (RFC 7643 §4.1.1: caseExact false).
CREATE UNIQUE INDEX "directory_users_directory_id_user_name_key" ON "directory_users" ("directory_id", lower("user_name"));
CREATE INDEX "directory_users_directory_id_external_id_idx" ON "directory_users" ("directory_id", "external_id");
CREATE INDEX "directory_users_emails_idx" ON "directory_users" USING GIN ("emails");

CREATE TABLE "directory_groups" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "directory_id" TEXT NOT NULL REFERENCES "directories" ("id") ON DELETE CASCADE,
  "organization_id" TEXT NOT NULL,
  "idp_id" TEXT NOT NULL,
  "display_name" TEXT NOT NULL,
  "external_id" TEXT,
  "raw_attributes" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "directory_groups_environment_id_directory_id_id_idx" ON "directory_groups" ("environment_id", "directory_id", "id");
CREATE INDEX "directory_groups_directory_id_display_name_idx" ON "directory_groups" ("directory_id", lower("display_name"));

CREATE TABLE "directory_group_members" (
  "group_id" TEXT NOT NULL REFERENCES "directory_groups" ("id") ON DELETE CASCADE,
  "user_id" TEXT NOT NULL REFERENCES "directory_users" ("id") ON DELETE CASCADE,
  "directory_id" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("group_id", "user_id")
);
CREATE INDEX "directory_group_members_user_id_group_id_idx" ON "directory_group_members" ("user_id", "group_id");

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
