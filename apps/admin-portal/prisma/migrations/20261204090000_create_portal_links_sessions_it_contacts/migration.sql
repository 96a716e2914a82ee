CREATE TABLE "it_contacts" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "it_contacts_environment_id_organization_id_email_key" ON "it_contacts" ("environment_id", "organization_id", "email");
CREATE INDEX "it_contacts_environment_id_organization_id_id_idx" ON "it_contacts" ("environment_id", "organization_id", "id");

CREATE TABLE "portal_links" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "intents" TEXT[] NOT NULL,
  "return_url" TEXT,
  "success_url" TEXT,
  "sso_provider_type" TEXT,
  "it_contact_id" TEXT,
  "token_hash" TEXT NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "opened_at" TIMESTAMPTZ(3),
  "revoked_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "portal_links_token_hash_key" ON "portal_links" ("token_hash");
CREATE INDEX "portal_links_environment_id_organization_id_it_contact_id_idx" ON "portal_links" ("environment_id", "organization_id", "it_contact_id");
CREATE INDEX "portal_links_expires_at_idx" ON "portal_links" ("expires_at");

CREATE TABLE "portal_sessions" (
  "token_hash" TEXT NOT NULL PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "link_id" TEXT NOT NULL,
  "intents" TEXT[] NOT NULL,
  "csrf_token" TEXT NOT NULL,
  "return_url" TEXT,
  "success_url" TEXT,
  "sso_provider_type" TEXT,
  "pending_sso_test" JSONB,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "portal_sessions_environment_id_link_id_idx" ON "portal_sessions" ("environment_id", "link_id");
CREATE INDEX "portal_sessions_expires_at_idx" ON "portal_sessions" ("expires_at");

CREATE TABLE "sso_test_results" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "connection_id" TEXT NOT NULL,
  "outcome" TEXT NOT NULL,
  "report" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "sso_test_results_environment_id_organization_id_connection_id_created_at_idx" ON "sso_test_results" ("environment_id", "organization_id", "connection_id", "created_at");
