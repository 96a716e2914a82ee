CREATE TABLE "data_integrations" (
    "id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "ownership" TEXT NOT NULL,
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "scopes_set" BOOLEAN NOT NULL DEFAULT false,
    "auth_methods" TEXT[] NOT NULL,
    "credentials_type" TEXT,
    "client_id" TEXT,
    "client_secret_sealed" TEXT,
    "client_secret_last4" TEXT,
    "custom_provider" JSONB,
    "config" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "data_integrations_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "data_integrations_environment_id_slug_ownership_key" ON "data_integrations"("environment_id", "slug", "ownership");
CREATE INDEX "data_integrations_environment_id_id_idx" ON "data_integrations"("environment_id", "id");

CREATE TABLE "connected_accounts" (
    "id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "data_integration_id" TEXT NOT NULL,
    "provider_slug" TEXT NOT NULL,
    "owner_type" TEXT NOT NULL,
    "user_id" TEXT,
    "organization_id" TEXT,
    "owner_key" TEXT NOT NULL,
    "auth_method" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "api_key_last4" TEXT,
    "client_id" TEXT,
    "client_secret_last4" TEXT,
    "config" JSONB NOT NULL DEFAULT '{}',
    "vault_object_id" TEXT,
    "token_version" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3),
    "refresh_failures" INTEGER NOT NULL DEFAULT 0,
    "retry_refresh_at" TIMESTAMPTZ(3),
    "last_refresh_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "connected_accounts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "connected_accounts_data_integration_id_fkey" FOREIGN KEY ("data_integration_id") REFERENCES "data_integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "connected_accounts_environment_id_data_integration_id_owner_key_key" ON "connected_accounts"("environment_id", "data_integration_id", "owner_key");
CREATE INDEX "connected_accounts_environment_id_organization_id_idx" ON "connected_accounts"("environment_id", "organization_id");
CREATE INDEX "connected_accounts_environment_id_user_id_idx" ON "connected_accounts"("environment_id", "user_id");
CREATE INDEX "connected_accounts_data_integration_id_idx" ON "connected_accounts"("data_integration_id");
