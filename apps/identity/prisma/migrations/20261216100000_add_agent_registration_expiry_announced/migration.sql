-- agent.registration.expired is written once per unclaimed registration past its claim's expiry,
-- by identity's expiry sweep (agents/agent-expiry.sweeper.ts), which stamps this column with it.
ALTER TABLE "agent_registrations" ADD COLUMN "expiry_announced_at" TIMESTAMPTZ(3);
CREATE INDEX "agent_registrations_expiry_due_idx" ON "agent_registrations" ("claim_expires_at") WHERE "status" = 'unverified' AND "expiry_announced_at" IS NULL;
