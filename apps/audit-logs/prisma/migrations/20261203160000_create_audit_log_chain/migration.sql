-- The per-organization hash chain (src/audit-core/chain.ts states the format).
-- chain_seq: the event's place in its organization's chain; NULL only for events stored before
-- the chain existed.
ALTER TABLE "audit_log_events" ADD COLUMN "chain_seq" BIGINT;

-- One row per organization: the last position and hash. Its row lock orders the organization's
-- writers (one total order), and only that organization's.
CREATE TABLE "audit_log_chain_heads" (
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "seq" BIGINT NOT NULL,
  "hash" BYTEA NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("environment_id", "organization_id")
);

-- The chain's entries: what proofs are made of. An entry outlives its event's retention (it
-- holds a digest, not the event) until a truncation checkpoint covers it.
CREATE TABLE "audit_log_chain" (
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "seq" BIGINT NOT NULL,
  "event_id" TEXT NOT NULL,
  "occurred_at" TIMESTAMPTZ(3) NOT NULL,
  "digest" BYTEA NOT NULL,
  "hash" BYTEA NOT NULL,
  PRIMARY KEY ("environment_id", "organization_id", "seq")
);

-- Signed checkpoints (kind head or truncation). Never updated.
CREATE TABLE "audit_log_checkpoints" (
  "id" TEXT PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "seq" BIGINT NOT NULL,
  "hash" BYTEA NOT NULL,
  "key_id" TEXT NOT NULL,
  "signature" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "audit_log_checkpoints_kind_check" CHECK ("kind" IN ('head', 'truncation'))
);
CREATE INDEX "audit_log_checkpoints_environment_id_organization_id_seq_idx" ON "audit_log_checkpoints" ("environment_id", "organization_id", "seq");

-- Ed25519 signing keys: the private half sealed with the service's SecretBox. The newest
-- unretired key signs; retired keys stay published so old checkpoints still verify.
CREATE TABLE "audit_log_chain_keys" (
  "id" TEXT PRIMARY KEY,
  "private_key_sealed" TEXT NOT NULL,
  "public_jwk" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "retired_at" TIMESTAMPTZ(3)
);
