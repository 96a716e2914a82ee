-- Crypto-shredding: deleting an organization destroys the wrapped key material of every KEK
-- whose context names it (wrapped_key emptied, shredded_at set), then a purge removes its objects.
ALTER TABLE "vault_keks" ADD COLUMN "shredded_at" TIMESTAMPTZ(3);
CREATE INDEX "vault_keks_environment_id_organization_idx" ON "vault_keks" ("environment_id", ("key_context"->>'organization_id'));

-- One purge per shredded organization: the rows of its objects, removed in batches after the keys.
CREATE TABLE "vault_purges" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "kek_ids" TEXT[] NOT NULL,
  "objects_deleted" INTEGER NOT NULL DEFAULT 0,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "completed_at" TIMESTAMPTZ(3)
);
CREATE INDEX "vault_purges_pending_idx" ON "vault_purges" ("created_at") WHERE "completed_at" IS NULL;
