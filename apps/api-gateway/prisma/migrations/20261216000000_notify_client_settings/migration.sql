-- Every gateway process caches each environment's redirect URIs and CORS origins
-- (ClientAuthService, NotifiedCache). Each change to either table NOTIFYs the environment whose
-- entry to drop, whoever wrote it (the API, the CLI, a cascade from a deleted environment, SQL).
CREATE FUNCTION notify_gateway_client_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('gateway_client_settings', OLD.environment_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('gateway_client_settings', NEW.environment_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER redirect_uris_notify AFTER INSERT OR UPDATE OR DELETE ON redirect_uris
  FOR EACH ROW EXECUTE FUNCTION notify_gateway_client_settings();

CREATE TRIGGER cors_origins_notify AFTER INSERT OR UPDATE OR DELETE ON cors_origins
  FOR EACH ROW EXECUTE FUNCTION notify_gateway_client_settings();
