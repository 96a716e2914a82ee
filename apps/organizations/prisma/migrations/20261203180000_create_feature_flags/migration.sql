-- Feature flags per environment (WORKOS_API.md §18), their targets, and each environment's flag
-- state version (bumped by every change, in the change's transaction; the runtime payload's ETag).
CREATE TABLE "feature_flags" (
    "id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "default_value" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "feature_flags_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "feature_flags_environment_id_slug_key" ON "feature_flags"("environment_id", "slug");
CREATE INDEX "feature_flags_environment_id_id_idx" ON "feature_flags"("environment_id", "id");

CREATE TABLE "feature_flag_targets" (
    "flag_id" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    -- user | organization
    "target_type" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "feature_flag_targets_pkey" PRIMARY KEY ("flag_id", "target_id"),
    CONSTRAINT "feature_flag_targets_flag_id_fkey" FOREIGN KEY ("flag_id") REFERENCES "feature_flags"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "feature_flag_targets_environment_id_target_id_idx" ON "feature_flag_targets"("environment_id", "target_id");

CREATE TABLE "feature_flag_versions" (
    "environment_id" TEXT NOT NULL,
    "version" BIGINT NOT NULL,
    CONSTRAINT "feature_flag_versions_pkey" PRIMARY KEY ("environment_id")
);
