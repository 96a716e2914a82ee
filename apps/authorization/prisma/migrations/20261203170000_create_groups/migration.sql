-- Organization groups (WORKOS_API.md §17), their members and their role assignments.
CREATE TABLE "authz_groups" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "description" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "authz_groups_environment_id_organization_id_idx" ON "authz_groups" ("environment_id", "organization_id");

CREATE TABLE "authz_group_members" (
  "group_id" TEXT NOT NULL REFERENCES "authz_groups" ("id") ON DELETE CASCADE,
  "organization_membership_id" TEXT NOT NULL REFERENCES "authz_memberships" ("id") ON DELETE CASCADE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("group_id", "organization_membership_id")
);
CREATE INDEX "authz_group_members_membership_idx" ON "authz_group_members" ("organization_membership_id", "group_id");

CREATE TABLE "authz_group_role_assignments" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "group_id" TEXT NOT NULL REFERENCES "authz_groups" ("id") ON DELETE CASCADE,
  "role_id" TEXT NOT NULL REFERENCES "authz_roles" ("id") ON DELETE RESTRICT,
  "resource_id" TEXT NOT NULL REFERENCES "authz_resources" ("id") ON DELETE CASCADE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "authz_group_role_assignments_key" ON "authz_group_role_assignments" ("group_id", "resource_id", "role_id");
CREATE INDEX "authz_group_role_assignments_resource_id_idx" ON "authz_group_role_assignments" ("resource_id");
CREATE INDEX "authz_group_role_assignments_role_id_idx" ON "authz_group_role_assignments" ("role_id");

-- Every (membership, role, resource) grant: direct assignments, and a group's assignments for
-- each of its members. Checks and lookups read this view; Postgres pushes their predicates into
-- both branches, so each branch still uses its indexes.
CREATE VIEW "authz_membership_grants" AS
  SELECT ra.id, ra.organization_membership_id, ra.role_id, ra.resource_id, 'direct' AS source, NULL::text AS group_role_assignment_id, ra.created_at, ra.updated_at
  FROM "authz_role_assignments" ra
  UNION ALL
  SELECT gra.id, gm.organization_membership_id, gra.role_id, gra.resource_id, 'group' AS source, gra.id AS group_role_assignment_id, gra.created_at, gra.updated_at
  FROM "authz_group_role_assignments" gra JOIN "authz_group_members" gm ON gm.group_id = gra.group_id;
