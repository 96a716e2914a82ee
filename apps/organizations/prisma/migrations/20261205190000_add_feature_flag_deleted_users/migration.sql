-- Users identity deleted (its user.deleted events, consumed by flags-cleanup.consumer.ts): adding
-- one as a flag target afterwards is a 404, so a target added after the deletion cannot stay.
CREATE TABLE "feature_flag_deleted_users" (
    "environment_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "deleted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "feature_flag_deleted_users_pkey" PRIMARY KEY ("environment_id", "user_id")
);
