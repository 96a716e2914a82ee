-- Whether the IdP proved the profile's email (C2); false for every profile signed in before.
ALTER TABLE "profiles" ADD COLUMN "email_verified" BOOLEAN NOT NULL DEFAULT false;
