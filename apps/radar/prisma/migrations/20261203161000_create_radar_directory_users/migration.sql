-- Directory Sync users as radar sees them (from dsync.user.* events): a sign-in by an email whose
-- newest directory user is not active is refused (control directory_inactive).
CREATE TABLE "radar_directory_users" (
  "environment_id" TEXT NOT NULL,
  "directory_user_id" TEXT NOT NULL,
  "email" TEXT,
  "state" TEXT NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY ("environment_id", "directory_user_id")
);
CREATE INDEX "radar_directory_users_environment_id_email_idx" ON "radar_directory_users" ("environment_id", "email");
