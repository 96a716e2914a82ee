CREATE TABLE "connections" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT,
  "name" TEXT NOT NULL,
  "connection_type" TEXT NOT NULL,
  "protocol" TEXT NOT NULL CHECK ("protocol" IN ('saml', 'oidc', 'oauth')),
  "state" TEXT NOT NULL CHECK ("state" IN ('draft', 'active', 'inactive')),
  "settings" JSONB NOT NULL DEFAULT '{}',
  "sealed_secret" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "connections_environment_id_id_idx" ON "connections" ("environment_id", "id");
CREATE INDEX "connections_environment_id_organization_id_idx" ON "connections" ("environment_id", "organization_id");

CREATE TABLE "connection_domains" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "connection_id" TEXT NOT NULL REFERENCES "connections" ("id") ON DELETE CASCADE,
  "domain" TEXT NOT NULL
);
CREATE UNIQUE INDEX "connection_domains_connection_id_domain_key" ON "connection_domains" ("connection_id", "domain");
CREATE INDEX "connection_domains_environment_id_domain_idx" ON "connection_domains" ("environment_id", "domain");

-- Profiles outlive their connection's sign-ins but not the connection itself.
CREATE TABLE "profiles" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "connection_id" TEXT NOT NULL REFERENCES "connections" ("id") ON DELETE CASCADE,
  "idp_id" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "profiles_connection_id_idp_id_key" ON "profiles" ("connection_id", "idp_id");

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
