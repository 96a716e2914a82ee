CREATE TABLE "organizations" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "external_id" TEXT,
  "metadata" JSONB NOT NULL DEFAULT '{}',
  "stripe_customer_id" TEXT,
  "allow_profiles_outside_organization" BOOLEAN NOT NULL DEFAULT false,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "organizations_environment_id_external_id_key" ON "organizations" ("environment_id", "external_id");
CREATE INDEX "organizations_environment_id_id_idx" ON "organizations" ("environment_id", "id");

CREATE TABLE "organization_domains" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL REFERENCES "organizations" ("id") ON DELETE CASCADE,
  "domain" TEXT NOT NULL,
  "state" TEXT NOT NULL CHECK ("state" IN ('pending', 'verified', 'failed')),
  "verification_strategy" TEXT NOT NULL CHECK ("verification_strategy" IN ('dns', 'manual')),
  "verification_token" TEXT,
  "verification_prefix" TEXT,
  "failure_reason" TEXT,
  "last_verification_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
-- A domain belongs to at most one organization per environment.
CREATE UNIQUE INDEX "organization_domains_environment_id_domain_key" ON "organization_domains" ("environment_id", "domain");
CREATE INDEX "organization_domains_organization_id_idx" ON "organization_domains" ("organization_id");

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
