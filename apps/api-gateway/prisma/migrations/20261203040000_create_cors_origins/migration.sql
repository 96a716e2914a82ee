-- Browser origins an environment allows to call its public-client routes (CORS), and the app's
-- homepage URL; both set through the official `workos` CLI's config endpoints.
CREATE TABLE "cors_origins" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL REFERENCES "environments" ("id") ON DELETE CASCADE,
  "origin" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "cors_origins_environment_id_origin_key" ON "cors_origins" ("environment_id", "origin");
CREATE INDEX "cors_origins_origin_idx" ON "cors_origins" ("origin");

ALTER TABLE "environments" ADD COLUMN "app_homepage_url" TEXT;
