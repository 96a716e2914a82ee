-- The authorization server's state (oidc-provider's adapter models: sessions, interactions,
-- grants, codes, opaque tokens), environment-scoped. `id_hash` is SHA-256 of the artefact's ID:
-- for opaque tokens the ID is the token, so a dump of this table holds no usable token.
CREATE TABLE oauth_artifacts (
  environment_id TEXT NOT NULL,
  model          TEXT NOT NULL,
  id_hash        TEXT NOT NULL,
  payload        JSONB NOT NULL,
  grant_id       TEXT,
  uid            TEXT,
  expires_at     TIMESTAMPTZ(3),
  consumed_at    TIMESTAMPTZ(3),
  PRIMARY KEY (environment_id, model, id_hash)
);
CREATE INDEX oauth_artifacts_grant ON oauth_artifacts (environment_id, grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oauth_artifacts_uid ON oauth_artifacts (environment_id, model, uid) WHERE uid IS NOT NULL;
CREATE INDEX oauth_artifacts_expiry ON oauth_artifacts (expires_at);

-- Per-environment switches of the authorization server (ours; WorkOS sets them in its dashboard).
CREATE TABLE connect_settings (
  environment_id               TEXT PRIMARY KEY,
  dynamic_registration_enabled BOOLEAN NOT NULL DEFAULT false,
  external_login_url           TEXT,
  updated_at                   TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
