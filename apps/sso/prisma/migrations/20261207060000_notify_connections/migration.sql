-- Every sso process caches the connection an unsigned callback names by ID (SAML ACS, OIDC
-- callback, SP metadata; ConnectionCallbackCache, NotifiedCache). Each change to a connection
-- NOTIFYs its ID, whoever wrote it: the API, a state change, a certificate rotation, the
-- metadata refresh, an organization's deletion, SQL. An insert notifies too: a lookup of the ID
-- before the connection existed may have cached the miss.
CREATE FUNCTION notify_sso_connections() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('sso_connections', OLD.id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('sso_connections', NEW.id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER connections_notify AFTER INSERT OR UPDATE OR DELETE ON connections
  FOR EACH ROW EXECUTE FUNCTION notify_sso_connections();
