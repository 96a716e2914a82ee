-- Agents (SDK 11 `agents`): blueprints, the instances minted from them per organization (and
-- user or parent agent), each instance's registration (the JWT `sub`), and sessions whose
-- refresh tokens are stored as SHA-256.
CREATE TABLE agent_blueprints (
  id                         TEXT PRIMARY KEY,
  environment_id             TEXT NOT NULL,
  name                       TEXT NOT NULL,
  description                TEXT,
  permissions                TEXT[] NOT NULL DEFAULT '{}',
  invocable_role_slugs       TEXT[] NOT NULL DEFAULT '{}',
  invocable_organization_ids TEXT[] NOT NULL DEFAULT '{}',
  max_age_seconds            INTEGER NOT NULL,
  access_token_ttl_seconds   INTEGER NOT NULL,
  refresh_token_ttl_seconds  INTEGER NOT NULL,
  created_at                 TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at                 TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX agent_blueprints_env_id ON agent_blueprints (environment_id, id);

CREATE TABLE agent_instances (
  id                         TEXT PRIMARY KEY,
  environment_id             TEXT NOT NULL,
  blueprint_id               TEXT NOT NULL REFERENCES agent_blueprints (id) ON DELETE CASCADE,
  organization_id            TEXT NOT NULL,
  organization_membership_id TEXT,
  type                       TEXT NOT NULL,
  -- Who the instance acts for: the user (user_delegated), the parent registration (agent_delegated), '' (autonomous).
  principal                  TEXT NOT NULL,
  registration_id            TEXT NOT NULL UNIQUE,
  created_at                 TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at                 TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  UNIQUE (environment_id, blueprint_id, organization_id, type, principal)
);
CREATE INDEX agent_instances_env_id ON agent_instances (environment_id, id);

CREATE TABLE agent_registrations (
  id               TEXT PRIMARY KEY,
  environment_id   TEXT NOT NULL,
  organization_id  TEXT NOT NULL,
  userland_user_id TEXT,
  status           TEXT NOT NULL,
  kind             TEXT NOT NULL,
  created_at       TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE agent_sessions (
  id                 TEXT PRIMARY KEY,
  environment_id     TEXT NOT NULL,
  instance_id        TEXT NOT NULL REFERENCES agent_instances (id) ON DELETE CASCADE,
  refresh_token_hash TEXT NOT NULL UNIQUE,
  refresh_expires_at TIMESTAMPTZ(3) NOT NULL,
  expires_at         TIMESTAMPTZ(3) NOT NULL,
  revoked_at         TIMESTAMPTZ(3),
  created_at         TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX agent_sessions_env_instance ON agent_sessions (environment_id, instance_id, id);
