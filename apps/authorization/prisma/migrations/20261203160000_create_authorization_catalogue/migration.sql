-- The template's sample aggregate goes; authorization's domain replaces it.
DROP TABLE IF EXISTS "template_samples";

-- Permissions, by slug, per environment (WORKOS_API.md §16).
CREATE TABLE "authz_permissions" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "slug" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "description" TEXT,
  "resource_type_slug" TEXT NOT NULL,
  "system" BOOLEAN NOT NULL DEFAULT false,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "authz_permissions_environment_id_slug_key" ON "authz_permissions" ("environment_id", "slug");

-- Environment roles (organization_id NULL) and organization roles. A slug names one role in an
-- organization's view: the service refuses an organization role whose slug an environment role has.
CREATE TABLE "authz_roles" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT,
  "slug" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "description" TEXT,
  "resource_type_slug" TEXT NOT NULL,
  "is_default" BOOLEAN NOT NULL DEFAULT false,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "authz_roles_environment_id_organization_id_slug_key" ON "authz_roles" ("environment_id", "organization_id", "slug") NULLS NOT DISTINCT;
-- At most one default role per environment.
CREATE UNIQUE INDEX "authz_roles_default_key" ON "authz_roles" ("environment_id") WHERE "is_default";

CREATE TABLE "authz_role_permissions" (
  "role_id" TEXT NOT NULL REFERENCES "authz_roles" ("id") ON DELETE CASCADE,
  "permission_id" TEXT NOT NULL REFERENCES "authz_permissions" ("id") ON DELETE CASCADE,
  PRIMARY KEY ("role_id", "permission_id")
);
CREATE INDEX "authz_role_permissions_permission_id_idx" ON "authz_role_permissions" ("permission_id");

-- Identity owns memberships; this is the projection of its organization_membership.* events.
CREATE TABLE "authz_memberships" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "user_id" TEXT NOT NULL,
  "role_slugs" TEXT[] NOT NULL,
  "status" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "authz_memberships_environment_id_organization_id_idx" ON "authz_memberships" ("environment_id", "organization_id");

-- Resources: one tree per organization. Parents never change, so the closure table below is
-- written once per resource and never rewritten.
CREATE TABLE "authz_resources" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "resource_type_slug" TEXT NOT NULL,
  "external_id" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "description" TEXT,
  "parent_id" TEXT REFERENCES "authz_resources" ("id") ON DELETE CASCADE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "authz_resources_external_key" ON "authz_resources" ("environment_id", "organization_id", "resource_type_slug", "external_id");
CREATE INDEX "authz_resources_parent_id_idx" ON "authz_resources" ("parent_id");

-- Closure: one row per (resource, ancestor-or-self) with the distance between them.
CREATE TABLE "authz_resource_ancestors" (
  "resource_id" TEXT NOT NULL REFERENCES "authz_resources" ("id") ON DELETE CASCADE,
  "ancestor_id" TEXT NOT NULL REFERENCES "authz_resources" ("id") ON DELETE CASCADE,
  "distance" INTEGER NOT NULL,
  PRIMARY KEY ("resource_id", "ancestor_id")
);
CREATE INDEX "authz_resource_ancestors_ancestor_id_idx" ON "authz_resource_ancestors" ("ancestor_id", "resource_id");

-- A role granted to a membership on a resource (and so on every descendant).
CREATE TABLE "authz_role_assignments" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_membership_id" TEXT NOT NULL REFERENCES "authz_memberships" ("id") ON DELETE CASCADE,
  "role_id" TEXT NOT NULL REFERENCES "authz_roles" ("id") ON DELETE RESTRICT,
  "resource_id" TEXT NOT NULL REFERENCES "authz_resources" ("id") ON DELETE CASCADE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "authz_role_assignments_key" ON "authz_role_assignments" ("organization_membership_id", "resource_id", "role_id");
CREATE INDEX "authz_role_assignments_resource_id_idx" ON "authz_role_assignments" ("resource_id");
CREATE INDEX "authz_role_assignments_role_id_idx" ON "authz_role_assignments" ("role_id");
