-- AuthKit user provisioning from this directory (our extension, off by default): identity turns
-- the directory's users into AuthKit users and organization memberships while it is on.
ALTER TABLE "directories" ADD COLUMN "user_provisioning" BOOLEAN NOT NULL DEFAULT false;
