-- Every vault process caches the KV read's row (the object and its current version's data-key
-- blob and ciphertext; ObjectCache, NotifiedCache). Each change to an object or to one of its
-- versions NOTIFYs `<environment_id> <object_id>` (objectCacheKey in object-cache.ts), whoever
-- wrote it: the API, the rekey job rewrapping a version's data key, the shredding purge, a
-- cascade, SQL. An insert notifies too: a read of an ID before it existed may have cached the miss.
CREATE FUNCTION notify_vault_objects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('vault_objects', OLD.environment_id || ' ' || OLD.id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('vault_objects', NEW.environment_id || ' ' || NEW.id);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION notify_vault_object_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('vault_objects', OLD.environment_id || ' ' || OLD.object_id);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    PERFORM pg_notify('vault_objects', NEW.environment_id || ' ' || NEW.object_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER vault_objects_notify AFTER INSERT OR UPDATE OR DELETE ON vault_objects
  FOR EACH ROW EXECUTE FUNCTION notify_vault_objects();

-- A new version changes nothing readable until the object's row points at it (that update notifies).
CREATE TRIGGER vault_object_versions_notify AFTER UPDATE OR DELETE ON vault_object_versions
  FOR EACH ROW EXECUTE FUNCTION notify_vault_object_versions();
