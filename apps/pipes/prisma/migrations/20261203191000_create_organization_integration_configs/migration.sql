CREATE TABLE "organization_integration_configs" (
    "id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "scopes_set" BOOLEAN NOT NULL DEFAULT false,
    "client_id" TEXT,
    "client_secret_sealed" TEXT,
    "client_secret_last4" TEXT,
    "config" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "organization_integration_configs_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "organization_integration_configs_environment_id_organization_id_slug_key" ON "organization_integration_configs"("environment_id", "organization_id", "slug");
