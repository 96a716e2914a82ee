-- Redirect URIs an environment allows for browser flows (/sso/authorize, /user_management/authorize).
-- The gateway compares the caller's redirect_uri byte for byte against these rows.
CREATE TABLE "redirect_uris" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL REFERENCES "environments" ("id") ON DELETE CASCADE,
  "uri" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "redirect_uris_environment_id_uri_key" ON "redirect_uris" ("environment_id", "uri");
