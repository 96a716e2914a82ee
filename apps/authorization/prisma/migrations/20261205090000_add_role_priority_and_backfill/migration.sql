-- Role priority (reorderable): environment roles order among themselves, an organization's own
-- roles among themselves; ties (every role before this migration has 0) keep creation order.
ALTER TABLE authz_roles ADD COLUMN priority integer NOT NULL DEFAULT 0;

-- Memberships identity deleted. The backfill (role slug migration) never resurrects one whose
-- organization_membership.deleted event was consumed before the backfill wrote its page.
-- Membership IDs are ULIDs and never reused.
CREATE TABLE authz_membership_tombstones (
  id text PRIMARY KEY,
  environment_id text NOT NULL,
  deleted_at timestamptz(3) NOT NULL DEFAULT now()
);

-- Progress of the per-environment role slug migration (memberships backfilled from identity,
-- then catalogue roles for the free-form slugs in use). Resumable: the cursor is the last
-- membership ID written; a finished run keeps completed_at and is run again from the start.
CREATE TABLE authz_role_slug_migrations (
  environment_id text PRIMARY KEY,
  membership_cursor text,
  memberships_backfilled integer NOT NULL DEFAULT 0,
  roles_created integer NOT NULL DEFAULT 0,
  completed_at timestamptz(3),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
