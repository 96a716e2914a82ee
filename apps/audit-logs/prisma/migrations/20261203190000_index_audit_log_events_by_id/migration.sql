-- An organization's events in (occurred_at, id) order straight from the index, so an export page
-- (ORDER BY occurred_at, id LIMIT n after a cursor) stops after n rows instead of sorting the
-- rest of the range. It replaces the (environment_id, organization_id, occurred_at) index, a prefix of it.
CREATE INDEX "audit_log_events_env_org_occurred_at_id_idx" ON "audit_log_events" ("environment_id", "organization_id", "occurred_at", "id");
DROP INDEX IF EXISTS "audit_log_events_environment_id_organization_id_occurred_at_idx";
