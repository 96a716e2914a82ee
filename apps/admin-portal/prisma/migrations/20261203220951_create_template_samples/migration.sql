-- The service template's sample aggregate (the platform's migrations add the outbox, inbox and dead letters).
CREATE TABLE "template_samples" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "template_samples_environment_id_organization_id_idx" ON "template_samples" ("environment_id", "organization_id");
