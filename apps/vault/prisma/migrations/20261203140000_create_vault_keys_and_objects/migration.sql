-- Vault replaces the service template's sample.
DROP TABLE IF EXISTS "template_samples";

-- Key-encryption keys: one per (environment, key context), created on first use.
CREATE TABLE "vault_keks" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "context_hash" TEXT NOT NULL,
  "key_context" JSONB NOT NULL,
  "current_version" INTEGER NOT NULL DEFAULT 1,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "rotated_at" TIMESTAMPTZ(3)
);
CREATE UNIQUE INDEX "vault_keks_environment_id_context_hash_key" ON "vault_keks" ("environment_id", "context_hash");

-- Every version of a KEK, wrapped by the key provider's root key. Old versions stay for decryption.
CREATE TABLE "vault_kek_versions" (
  "kek_id" TEXT NOT NULL REFERENCES "vault_keks" ("id") ON DELETE CASCADE,
  "version" INTEGER NOT NULL,
  "provider" TEXT NOT NULL,
  "root_key_id" TEXT NOT NULL,
  "wrapped_key" BYTEA NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("kek_id", "version")
);

-- KV objects; the value of each version is encrypted under its own data key.
CREATE TABLE "vault_objects" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "key_context" JSONB NOT NULL,
  "kek_id" TEXT NOT NULL REFERENCES "vault_keks" ("id"),
  "current_version_id" TEXT NOT NULL,
  "updated_by_id" TEXT NOT NULL,
  "updated_by_name" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "vault_objects_environment_id_name_key" ON "vault_objects" ("environment_id", "name");
CREATE INDEX "vault_objects_environment_id_id_idx" ON "vault_objects" ("environment_id", "id");

CREATE TABLE "vault_object_versions" (
  "id" TEXT PRIMARY KEY,
  "object_id" TEXT NOT NULL REFERENCES "vault_objects" ("id") ON DELETE CASCADE,
  "environment_id" TEXT NOT NULL,
  "encrypted_keys" BYTEA NOT NULL,
  "ciphertext" BYTEA NOT NULL,
  "size" INTEGER NOT NULL,
  "etag" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "vault_object_versions_object_id_idx" ON "vault_object_versions" ("object_id", "id");
