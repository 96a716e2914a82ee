-- The Admin Portal's SSO page reads an organization's newest connection, with its domains, from
-- the same per-process cache as the callbacks (ConnectionCache), under the key
-- "<environment_id> <organization_id>" (a space never occurs in a connection ID). So every change
-- to a connection also NOTIFYs its organization's key, before and after the change, and every
-- change to a connection's domains NOTIFYs its connection's organization key, whoever writes.
CREATE OR REPLACE FUNCTION notify_sso_connections() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('sso_connections', OLD.id);
    IF OLD.organization_id IS NOT NULL THEN
      PERFORM pg_notify('sso_connections', OLD.environment_id || ' ' || OLD.organization_id);
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('sso_connections', NEW.id);
    IF NEW.organization_id IS NOT NULL THEN
      PERFORM pg_notify('sso_connections', NEW.environment_id || ' ' || NEW.organization_id);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- A domain row deleted with its connection finds no connection here: the connection's own
-- deletion has notified its organization's key.
CREATE FUNCTION notify_sso_connection_domains() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner_key TEXT;
BEGIN
  FOR owner_key IN
    SELECT c.environment_id || ' ' || c.organization_id FROM connections c
    WHERE c.organization_id IS NOT NULL
      AND c.id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.connection_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.connection_id END)
  LOOP
    PERFORM pg_notify('sso_connections', owner_key);
  END LOOP;
  RETURN NULL;
END
$$;

CREATE TRIGGER connection_domains_notify AFTER INSERT OR UPDATE OR DELETE ON connection_domains
  FOR EACH ROW EXECUTE FUNCTION notify_sso_connection_domains();
