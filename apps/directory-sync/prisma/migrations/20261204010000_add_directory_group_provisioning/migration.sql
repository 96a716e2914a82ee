-- Directory groups kept as authorization's organization groups (our extension; needs user provisioning).
ALTER TABLE "directories" ADD COLUMN "group_provisioning" BOOLEAN NOT NULL DEFAULT false;
