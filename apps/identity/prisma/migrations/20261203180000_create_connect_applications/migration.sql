-- Connect applications: the OAuth and M2M clients of an environment's authorization server.
CREATE TABLE connect_applications (
  id                         TEXT PRIMARY KEY,
  environment_id             TEXT NOT NULL,
  client_id                  TEXT NOT NULL UNIQUE,
  application_type           TEXT NOT NULL CHECK (application_type IN ('oauth', 'm2m')),
  name                       TEXT NOT NULL,
  description                TEXT,
  scopes                     TEXT[] NOT NULL DEFAULT '{}',
  redirect_uris              JSONB NOT NULL DEFAULT '[]',
  uses_pkce                  BOOLEAN NOT NULL DEFAULT true,
  is_first_party             BOOLEAN NOT NULL DEFAULT false,
  was_dynamically_registered BOOLEAN NOT NULL DEFAULT false,
  organization_id            TEXT,
  created_at                 TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at                 TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX connect_applications_env_id ON connect_applications (environment_id, id);
CREATE INDEX connect_applications_env_org_id ON connect_applications (environment_id, organization_id, id);

-- Client secrets are stored as SHA-256 of a 256-bit random value (shown once), like API keys.
CREATE TABLE connect_client_secrets (
  id             TEXT PRIMARY KEY,
  environment_id TEXT NOT NULL,
  application_id TEXT NOT NULL REFERENCES connect_applications (id) ON DELETE CASCADE,
  secret_hash    TEXT NOT NULL UNIQUE,
  secret_hint    TEXT NOT NULL,
  last_used_at   TIMESTAMPTZ(3),
  created_at     TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX connect_client_secrets_env_app ON connect_client_secrets (environment_id, application_id, id);
