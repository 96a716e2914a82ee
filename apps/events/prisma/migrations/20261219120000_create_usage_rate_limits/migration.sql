-- Rate-limit usage history (apps/events/src/usage): the gateway's `rate_limit.usage_recorded`
-- events (per process, environment and closed minute) summed per (environment, UTC month,
-- bucket). The consumer claims each event's ID in the platform's inbox in the same statement, so
-- a redelivered event adds nothing. Sums only: the rows outlive the events' retention.
CREATE TABLE "usage_rate_limits" (
  "environment_id" TEXT NOT NULL,
  -- The first day of the UTC month.
  "month" DATE NOT NULL,
  -- api_key, public_ip, public_client_id, or a rule such as "GET /events per environment".
  "bucket" TEXT NOT NULL,
  -- Requests this limit applied to, refused ones included.
  "requests" BIGINT NOT NULL DEFAULT 0,
  -- Requests this limit refused with a 429.
  "limited" BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY ("environment_id", "month", "bucket")
);
