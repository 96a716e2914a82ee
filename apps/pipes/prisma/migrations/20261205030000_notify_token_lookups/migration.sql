-- Every pipes process caches the token path's lookup (integration, account, organization
-- settings; TokenLookupCache, NotifiedCache). Each change to one of the three tables NOTIFYs the
-- scope whose lookups to drop, whoever wrote it (the API, a consumer, a cascade, SQL): the
-- environment for integrations and organization settings, the environment and owner
-- (`<environment_id> <owner_key>`, ownerScope in token-lookup.cache.ts) for an account.
CREATE FUNCTION notify_pipes_token_lookups_environment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('pipes_token_lookups', OLD.environment_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('pipes_token_lookups', NEW.environment_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION notify_pipes_token_lookups_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('pipes_token_lookups', OLD.environment_id || ' ' || OLD.owner_key);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('pipes_token_lookups', NEW.environment_id || ' ' || NEW.owner_key);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER data_integrations_notify AFTER INSERT OR UPDATE OR DELETE ON data_integrations
  FOR EACH ROW EXECUTE FUNCTION notify_pipes_token_lookups_environment();

CREATE TRIGGER organization_integration_configs_notify AFTER INSERT OR UPDATE OR DELETE ON organization_integration_configs
  FOR EACH ROW EXECUTE FUNCTION notify_pipes_token_lookups_environment();

CREATE TRIGGER connected_accounts_notify AFTER INSERT OR UPDATE OR DELETE ON connected_accounts
  FOR EACH ROW EXECUTE FUNCTION notify_pipes_token_lookups_owner();
