-- Organizations' domains as radar learns them from organizations.events.v1 (control
-- unverified_domain), and the organization and earlier attempt (radar_auth_attempt_id) an
-- attempt names.
CREATE TABLE "radar_organization_domains" (
  "environment_id" TEXT NOT NULL,
  "domain_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "domain" TEXT NOT NULL,
  "state" TEXT NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY ("environment_id", "domain_id")
);
CREATE INDEX "radar_organization_domains_environment_id_organization_id_domain_idx" ON "radar_organization_domains" ("environment_id", "organization_id", "domain");
ALTER TABLE "radar_attempts" ADD COLUMN "organization_id" TEXT;
ALTER TABLE "radar_attempts" ADD COLUMN "related_attempt_id" TEXT;
