-- API keys that our customers' own customers use against our customers' APIs (WORKOS_API.md §21).
-- The value is never stored: `value_hash` is SecretBox.fingerprint(value, 'api_key') (`<kid>.<hex>`).
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "owner_type" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT,
    "name" TEXT NOT NULL,
    "value_hash" TEXT NOT NULL,
    "obfuscated_value" TEXT NOT NULL,
    "permissions" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_keys_owner_type_check" CHECK ("owner_type" IN ('organization', 'user')),
    CONSTRAINT "api_keys_owner_check" CHECK (("owner_type" = 'user') = ("user_id" IS NOT NULL))
);
CREATE UNIQUE INDEX "api_keys_value_hash_key" ON "api_keys"("value_hash");
CREATE INDEX "api_keys_environment_id_organization_id_id_idx" ON "api_keys"("environment_id", "organization_id", "id");
CREATE INDEX "api_keys_environment_id_user_id_id_idx" ON "api_keys"("environment_id", "user_id", "id");
