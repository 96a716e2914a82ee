-- Every authorization process answers checks from an in-memory index of each organization's
-- grants (AccessIndex, NotifiedCache on channel `authz_access`). Each change to a table the
-- check reads NOTIFYs what to drop, whoever wrote it (the API, a consumer, a cascade, SQL):
--   `<environment_id> <organization_id>`  one organization's index;
--   `<environment_id>`                    every organization of the environment (permissions,
--                                         roles' permissions, or a row whose organization is no
--                                         longer found).
-- Statement-level triggers with transition tables: a bulk write sends one NOTIFY per distinct
-- payload, not one per row. authz_resource_ancestors needs none: its rows are written only with
-- their resource's, whose trigger notifies.

-- Rows that carry environment_id and organization_id (NULL on environment roles).
CREATE FUNCTION authz_notify_access_by_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT environment_id || coalesce(' ' || organization_id, '') AS k FROM old_rows) s;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT environment_id || coalesce(' ' || organization_id, '') AS k FROM new_rows) s;
  END IF;
  RETURN NULL;
END
$$;

-- Permissions are environment-wide.
CREATE FUNCTION authz_notify_access_permissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT environment_id AS k FROM old_rows) s;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT environment_id AS k FROM new_rows) s;
  END IF;
  RETURN NULL;
END
$$;

-- A role's permissions: the role's environment, since a grant in any of its organizations may
-- name the role. A row whose role is gone was cascaded from the role's own delete, which notified.
CREATE FUNCTION authz_notify_access_role_permissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT r.environment_id AS k FROM old_rows o JOIN authz_roles r ON r.id = o.role_id) s;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT r.environment_id AS k FROM new_rows n JOIN authz_roles r ON r.id = n.role_id) s;
  END IF;
  RETURN NULL;
END
$$;

-- A membership's role assignments: its organization, or the environment when the membership is
-- gone (a cascade from its delete, which notified too).
CREATE FUNCTION authz_notify_access_role_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT coalesce(m.environment_id || ' ' || m.organization_id, o.environment_id) AS k
      FROM old_rows o LEFT JOIN authz_memberships m ON m.id = o.organization_membership_id) s;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT coalesce(m.environment_id || ' ' || m.organization_id, n.environment_id) AS k
      FROM new_rows n LEFT JOIN authz_memberships m ON m.id = n.organization_membership_id) s;
  END IF;
  RETURN NULL;
END
$$;

-- A group's members and role assignments: the group's organization. A row whose group is gone
-- was cascaded from the group's delete, which notified.
CREATE FUNCTION authz_notify_access_group_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT g.environment_id || ' ' || g.organization_id AS k FROM old_rows o JOIN authz_groups g ON g.id = o.group_id) s;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('authz_access', k) FROM (SELECT DISTINCT g.environment_id || ' ' || g.organization_id AS k FROM new_rows n JOIN authz_groups g ON g.id = n.group_id) s;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER authz_resources_notify_insert AFTER INSERT ON authz_resources REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();
CREATE TRIGGER authz_resources_notify_update AFTER UPDATE ON authz_resources REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();
CREATE TRIGGER authz_resources_notify_delete AFTER DELETE ON authz_resources REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();

CREATE TRIGGER authz_memberships_notify_insert AFTER INSERT ON authz_memberships REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();
CREATE TRIGGER authz_memberships_notify_update AFTER UPDATE ON authz_memberships REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();
CREATE TRIGGER authz_memberships_notify_delete AFTER DELETE ON authz_memberships REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();

CREATE TRIGGER authz_roles_notify_insert AFTER INSERT ON authz_roles REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();
CREATE TRIGGER authz_roles_notify_update AFTER UPDATE ON authz_roles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();
CREATE TRIGGER authz_roles_notify_delete AFTER DELETE ON authz_roles REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();

CREATE TRIGGER authz_groups_notify_insert AFTER INSERT ON authz_groups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();
CREATE TRIGGER authz_groups_notify_update AFTER UPDATE ON authz_groups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();
CREATE TRIGGER authz_groups_notify_delete AFTER DELETE ON authz_groups REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_by_row();

CREATE TRIGGER authz_permissions_notify_insert AFTER INSERT ON authz_permissions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_permissions();
CREATE TRIGGER authz_permissions_notify_update AFTER UPDATE ON authz_permissions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_permissions();
CREATE TRIGGER authz_permissions_notify_delete AFTER DELETE ON authz_permissions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_permissions();

CREATE TRIGGER authz_role_permissions_notify_insert AFTER INSERT ON authz_role_permissions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_role_permissions();
CREATE TRIGGER authz_role_permissions_notify_update AFTER UPDATE ON authz_role_permissions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_role_permissions();
CREATE TRIGGER authz_role_permissions_notify_delete AFTER DELETE ON authz_role_permissions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_role_permissions();

CREATE TRIGGER authz_role_assignments_notify_insert AFTER INSERT ON authz_role_assignments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_role_assignments();
CREATE TRIGGER authz_role_assignments_notify_update AFTER UPDATE ON authz_role_assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_role_assignments();
CREATE TRIGGER authz_role_assignments_notify_delete AFTER DELETE ON authz_role_assignments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_role_assignments();

CREATE TRIGGER authz_group_members_notify_insert AFTER INSERT ON authz_group_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_group_rows();
CREATE TRIGGER authz_group_members_notify_update AFTER UPDATE ON authz_group_members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_group_rows();
CREATE TRIGGER authz_group_members_notify_delete AFTER DELETE ON authz_group_members REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_group_rows();

CREATE TRIGGER authz_group_role_assignments_notify_insert AFTER INSERT ON authz_group_role_assignments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_group_rows();
CREATE TRIGGER authz_group_role_assignments_notify_update AFTER UPDATE ON authz_group_role_assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_group_rows();
CREATE TRIGGER authz_group_role_assignments_notify_delete AFTER DELETE ON authz_group_role_assignments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION authz_notify_access_group_rows();
