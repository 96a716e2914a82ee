-- Groups kept in step with a directory's groups (identity's directory provisioning, `groups` on).
ALTER TABLE "authz_groups" ADD COLUMN "directory_id" TEXT, ADD COLUMN "directory_group_id" TEXT;
CREATE UNIQUE INDEX "authz_groups_directory_group_key" ON "authz_groups" ("environment_id", "directory_group_id") WHERE "directory_group_id" IS NOT NULL;
CREATE INDEX "authz_groups_directory_idx" ON "authz_groups" ("environment_id", "directory_id") WHERE "directory_id" IS NOT NULL;

-- A directory group's member whose membership identity created but whose
-- organization_membership.created event this service has not projected yet: it becomes a
-- member when the projection arrives (authz_group_members needs the projected row).
CREATE TABLE "authz_group_pending_members" (
  "group_id" TEXT NOT NULL REFERENCES "authz_groups" ("id") ON DELETE CASCADE,
  "organization_membership_id" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("organization_membership_id", "group_id")
);
CREATE INDEX "authz_group_pending_members_group_idx" ON "authz_group_pending_members" ("group_id");
