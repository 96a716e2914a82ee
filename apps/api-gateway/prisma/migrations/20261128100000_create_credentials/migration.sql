CREATE TABLE "environments" (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "kind" TEXT NOT NULL CHECK ("kind" IN ('test', 'live')),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE "api_keys" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL REFERENCES "environments" ("id") ON DELETE CASCADE,
  "name" TEXT NOT NULL,
  -- sha256 hex of the full key. Keys are 256-bit random, so a fast hash cannot be brute-forced.
  "key_hash" TEXT NOT NULL,
  "last4" TEXT NOT NULL,
  "rate_limit_per_minute" INTEGER CHECK ("rate_limit_per_minute" > 0),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "revoked_at" TIMESTAMPTZ(3)
);
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" ("key_hash");
CREATE INDEX "api_keys_environment_id_id_idx" ON "api_keys" ("environment_id", "id");

CREATE TABLE "client_ids" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL REFERENCES "environments" ("id") ON DELETE CASCADE,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "client_ids_environment_id_id_idx" ON "client_ids" ("environment_id", "id");
