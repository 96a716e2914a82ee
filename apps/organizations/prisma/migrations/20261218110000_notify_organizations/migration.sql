-- Every organizations process caches GET /organizations/:id's read (the organization with its
-- domains; OrganizationsRepository, NotifiedCache). Each change to an organization or to one of
-- its domains NOTIFYs `<environment_id> <organization_id>` (organizationCacheKey in
-- organizations.repository.ts), whoever wrote it: the API, the domain verification job, a
-- consumer, a cascade, SQL. An insert notifies too: a read of the ID before it existed may have
-- cached the miss.
CREATE FUNCTION notify_organizations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('organizations', OLD.environment_id || ' ' || OLD.id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('organizations', NEW.environment_id || ' ' || NEW.id);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION notify_organization_domains() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('organizations', OLD.environment_id || ' ' || OLD.organization_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('organizations', NEW.environment_id || ' ' || NEW.organization_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER organizations_notify AFTER INSERT OR UPDATE OR DELETE ON organizations
  FOR EACH ROW EXECUTE FUNCTION notify_organizations();

CREATE TRIGGER organization_domains_notify AFTER INSERT OR UPDATE OR DELETE ON organization_domains
  FOR EACH ROW EXECUTE FUNCTION notify_organization_domains();
