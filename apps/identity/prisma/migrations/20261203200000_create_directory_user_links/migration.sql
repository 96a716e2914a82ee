-- Directory users that identity provisioned as AuthKit users (directory-sync's user_provisioning):
-- the directory user is linked to one AuthKit user for good, whatever email the IdP sends later.
CREATE TABLE "directory_user_links" (
  "environment_id"    TEXT NOT NULL,
  "directory_user_id" TEXT NOT NULL,
  "directory_id"      TEXT NOT NULL,
  "organization_id"   TEXT NOT NULL,
  "user_id"           TEXT NOT NULL,
  "created_at"        TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "directory_user_links_pkey" PRIMARY KEY ("environment_id", "directory_user_id")
);
CREATE INDEX "directory_user_links_environment_id_directory_id_idx" ON "directory_user_links" ("environment_id", "directory_id");
