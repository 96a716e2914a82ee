-- Per-organization root keys (BYOK). An organization's KEK versions are wrapped by its active key;
-- revoking the key (revoked_at set, imported material destroyed) makes them unreadable at once.
CREATE TABLE "vault_byok_keys" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "key_provider" TEXT NOT NULL,
  "key_ref" TEXT NOT NULL,
  "wrapped_material" BYTEA,
  "fingerprint" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "revoked_at" TIMESTAMPTZ(3)
);
CREATE INDEX "vault_byok_keys_environment_id_organization_id_idx" ON "vault_byok_keys" ("environment_id", "organization_id", "created_at");
-- At most one active key per organization.
CREATE UNIQUE INDEX "vault_byok_keys_active_key" ON "vault_byok_keys" ("environment_id", "organization_id") WHERE "revoked_at" IS NULL;

-- The BYOK key that wraps a KEK version; null: the platform's root key (provider, root_key_id).
ALTER TABLE "vault_kek_versions" ADD COLUMN "byok_key_id" TEXT REFERENCES "vault_byok_keys" ("id");

-- The rekey jobs: after a rotation, stored data keys of the KEK's objects are re-wrapped under its
-- current version in batches; `cursor` is the last object version done (IDs are UUIDv7).
CREATE TABLE "vault_rekeys" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "kek_id" TEXT NOT NULL REFERENCES "vault_keks" ("id") ON DELETE CASCADE,
  "target_version" INTEGER NOT NULL,
  "cursor" TEXT NOT NULL DEFAULT '',
  "rewrapped" INTEGER NOT NULL DEFAULT 0,
  "unreadable" INTEGER NOT NULL DEFAULT 0,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "completed_at" TIMESTAMPTZ(3)
);
-- One pending job per KEK: a rotation during a job restarts it at the newer version.
CREATE UNIQUE INDEX "vault_rekeys_pending_kek" ON "vault_rekeys" ("kek_id") WHERE "completed_at" IS NULL;
CREATE INDEX "vault_objects_kek_id_idx" ON "vault_objects" ("kek_id");
