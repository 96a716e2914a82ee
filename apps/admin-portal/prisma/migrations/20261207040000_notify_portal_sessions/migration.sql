-- Every admin-portal process caches portal session rows by their cookie's hash (LinksRepository,
-- NotifiedCache). Each change to a session NOTIFYs its token_hash, whoever wrote it: a page's
-- write counted, an SSO test started or finished, an IT contact's revocation, an organization's
-- deletion, the housekeeping purge, SQL. An insert notifies too: a lookup of the hash before the
-- session existed may have cached the miss.
CREATE FUNCTION notify_portal_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('portal_sessions', OLD.token_hash);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('portal_sessions', NEW.token_hash);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER portal_sessions_notify AFTER INSERT OR UPDATE OR DELETE ON portal_sessions
  FOR EACH ROW EXECUTE FUNCTION notify_portal_sessions();
