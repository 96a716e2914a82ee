-- Opt-in for AuthKit domain capture (our extension of the organization object, default off).
ALTER TABLE "organizations" ADD COLUMN "domain_capture" BOOLEAN NOT NULL DEFAULT false;
