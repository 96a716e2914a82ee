-- Usage analytics (apps/events/src/usage): aggregates the consumer keeps in the transaction that
-- stores each event, so they outlive the events' retention. Every table's key makes a second
-- application of the same event a no-op.

-- One row per (environment, UTC month, user) active in that month: the monthly active users.
CREATE TABLE "usage_monthly_active_users" (
  "environment_id" TEXT NOT NULL,
  "month" DATE NOT NULL,
  "user_id" TEXT NOT NULL,
  "first_active_at" TIMESTAMPTZ(3) NOT NULL,
  "last_active_at" TIMESTAMPTZ(3) NOT NULL,
  -- The event type of the earliest activity (first_active_at).
  "reason" TEXT NOT NULL,
  PRIMARY KEY ("environment_id", "month", "user_id")
);

-- One row per (environment, UTC day, user) active that day: the daily chart.
CREATE TABLE "usage_daily_active_users" (
  "environment_id" TEXT NOT NULL,
  "day" DATE NOT NULL,
  "user_id" TEXT NOT NULL,
  PRIMARY KEY ("environment_id", "day", "user_id")
);

-- Activations and deactivations of SSO connections and directories, one per event; a month's
-- active count is derived from them (src/usage-core/billable.ts), so carry-over needs no job.
CREATE TABLE "usage_billable_transitions" (
  "event_id" TEXT NOT NULL PRIMARY KEY,
  "environment_id" TEXT NOT NULL,
  "kind" TEXT NOT NULL CHECK ("kind" IN ('sso_connection', 'directory')),
  "entity_id" TEXT NOT NULL,
  "active" BOOLEAN NOT NULL,
  "at" TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "usage_billable_transitions_environment_id_at_idx" ON "usage_billable_transitions" ("environment_id", "at");

-- Backfill from the events still stored (the retention window): the same event types and user
-- fields as src/usage-core/activity.ts and billable.ts.
WITH activity AS (
  SELECT "environment_id", "id", "event", "created_at",
         CASE WHEN "event" IN ('user.created', 'user.updated') THEN "payload"->'data'->>'id' ELSE "payload"->'data'->>'user_id' END AS "user_id"
  FROM "events"
  WHERE "event" IN ('user.created', 'user.updated', 'session.created', 'authentication.password_succeeded', 'authentication.magic_auth_succeeded',
                    'authentication.email_verification_succeeded', 'authentication.mfa_succeeded', 'authentication.sso_succeeded',
                    'authentication.oauth_succeeded', 'authentication.passkey_succeeded')
    AND NOT ("event" = 'session.created' AND jsonb_typeof("payload"->'data'->'impersonator') = 'object')
), valid AS (
  SELECT * FROM activity WHERE "user_id" ~ '^user_[0-9A-Za-z]{1,64}$'
), monthly AS (
  INSERT INTO "usage_monthly_active_users" ("environment_id", "month", "user_id", "first_active_at", "last_active_at", "reason")
  SELECT "environment_id", date_trunc('month', "created_at" AT TIME ZONE 'UTC')::date, "user_id", min("created_at"), max("created_at"),
         (array_agg("event" ORDER BY "created_at", "id"))[1]
  FROM valid GROUP BY 1, 2, 3
  ON CONFLICT DO NOTHING
)
INSERT INTO "usage_daily_active_users" ("environment_id", "day", "user_id")
SELECT DISTINCT "environment_id", ("created_at" AT TIME ZONE 'UTC')::date, "user_id" FROM valid
ON CONFLICT DO NOTHING;

INSERT INTO "usage_billable_transitions" ("event_id", "environment_id", "kind", "entity_id", "active", "at")
SELECT "id", "environment_id", CASE WHEN "event" LIKE 'connection.%' THEN 'sso_connection' ELSE 'directory' END,
       "payload"->'data'->>'id', "event" IN ('connection.activated', 'dsync.activated'), "created_at"
FROM "events"
WHERE "event" IN ('connection.activated', 'connection.deactivated', 'connection.deleted', 'dsync.activated', 'dsync.deleted')
  AND length("payload"->'data'->>'id') BETWEEN 1 AND 128
ON CONFLICT DO NOTHING;
