-- Every admin-portal process caches a connection's newest SSO self-test (SsoTestsRepository,
-- NotifiedCache), which every render of the SSO page shows. Each change to a test result NOTIFYs
-- `<environment_id> <organization_id> <connection_id>` (latestKey in sso-tests.repository.ts),
-- whoever wrote it: a test finished on any replica, an organization's deletion, SQL. An insert
-- notifies too: the connection's "no test yet" may be cached.
CREATE FUNCTION notify_portal_sso_tests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('portal_sso_tests', OLD.environment_id || ' ' || OLD.organization_id || ' ' || OLD.connection_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('portal_sso_tests', NEW.environment_id || ' ' || NEW.organization_id || ' ' || NEW.connection_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER sso_test_results_notify AFTER INSERT OR UPDATE OR DELETE ON sso_test_results
  FOR EACH ROW EXECUTE FUNCTION notify_portal_sso_tests();
