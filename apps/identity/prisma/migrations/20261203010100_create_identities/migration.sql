-- SSO/OAuth identities keyed by (connection, idp_id), never by email (nOAuth, security review C2).
CREATE TABLE "identities" (
  "environment_id" TEXT NOT NULL,
  "connection_id" TEXT NOT NULL,
  "idp_id" TEXT NOT NULL,
  "user_id" TEXT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
  "connection_type" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("environment_id", "connection_id", "idp_id")
);
CREATE INDEX "identities_environment_id_user_id_idx" ON "identities" ("environment_id", "user_id");

-- How each membership was granted; existing rows were made through the API or invitations
-- (indistinguishable now), and `api` is the conservative reading for the organization-switch rule.
ALTER TABLE "organization_memberships" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'api';
ALTER TABLE "organization_memberships" ADD COLUMN "source_connection_id" TEXT;

-- The SSO connection a session was authenticated through (organization-switch rule).
ALTER TABLE "sessions" ADD COLUMN "sso_connection_id" TEXT;
ALTER TABLE "sessions" ADD COLUMN "sso_organization_id" TEXT;
-- organization.deleted revokes the sessions scoped to the organization.
CREATE INDEX "sessions_environment_id_organization_id_idx" ON "sessions" ("environment_id", "organization_id");
CREATE INDEX "sessions_environment_id_sso_organization_id_idx" ON "sessions" ("environment_id", "sso_organization_id");

-- The SSO sign-in a pending authentication step carries to its session.
ALTER TABLE "pending_authentications" ADD COLUMN "sso" JSONB;
