-- What each user authorized each Connect application to do (the Java SDK's authorized
-- applications): one row per (user, application, resource); '' is the OpenID grant without a
-- resource. Written when the authorization server saves a grant; deleting the row revokes the grants.
CREATE TABLE "connect_authorizations" (
  "id"             TEXT NOT NULL PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "user_id"        TEXT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
  "application_id" TEXT NOT NULL REFERENCES "connect_applications" ("id") ON DELETE CASCADE,
  "resource"       TEXT NOT NULL DEFAULT '',
  "granted_scopes" TEXT[] NOT NULL DEFAULT '{}',
  "created_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "connect_authorizations_environment_id_user_id_application_id_resource_key" ON "connect_authorizations" ("environment_id", "user_id", "application_id", "resource");
CREATE INDEX "connect_authorizations_environment_id_user_id_id_idx" ON "connect_authorizations" ("environment_id", "user_id", "id");
