-- Agent self-registration and the claim ceremony (AUTH.md; SDK `AgentRegistration.claim`).
-- A self-registered registration starts with no organization and no user; its claim (one per
-- registration, the agent's claim token stored as SHA-256) expires, and a claim attempt binds a
-- human (signed in through AuthKit, or linked by the customer's backend) whose user code, stored
-- as SHA-256, the agent submits to complete the claim. Agent API keys are stored as SHA-256.
ALTER TABLE agent_registrations ALTER COLUMN organization_id DROP NOT NULL;
ALTER TABLE agent_registrations
  ADD COLUMN identity_id      TEXT,
  ADD COLUMN client_id        TEXT,
  ADD COLUMN claim_id         TEXT UNIQUE,
  ADD COLUMN claim_token_hash TEXT UNIQUE,
  ADD COLUMN claim_expires_at TIMESTAMPTZ(3),
  ADD COLUMN claim_created_at TIMESTAMPTZ(3),
  ADD COLUMN claim_updated_at TIMESTAMPTZ(3),
  ADD COLUMN claimed_attempt_id TEXT;
CREATE INDEX agent_registrations_env_id ON agent_registrations (environment_id, id);

CREATE TABLE agent_claim_attempts (
  id                   TEXT PRIMARY KEY,
  environment_id       TEXT NOT NULL,
  registration_id      TEXT NOT NULL REFERENCES agent_registrations (id) ON DELETE CASCADE,
  -- The claim attempt token (emailed link, linkClaimAttemptToExternalUser): SHA-256, and sealed for the mail outbox.
  token_hash           TEXT NOT NULL UNIQUE,
  token_sealed         TEXT NOT NULL,
  email                TEXT NOT NULL,
  -- Set only from a verified fact: an AuthKit sign-in on the claim page, or the customer's API-key call.
  user_id              TEXT,
  organization_id      TEXT,
  user_code_hash       TEXT,
  user_code_expires_at TIMESTAMPTZ(3),
  failed_attempts      INTEGER NOT NULL DEFAULT 0,
  expires_at           TIMESTAMPTZ(3) NOT NULL,
  superseded_at        TIMESTAMPTZ(3),
  claimed_at           TIMESTAMPTZ(3),
  created_at           TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX agent_claim_attempts_env_registration ON agent_claim_attempts (environment_id, registration_id);

CREATE TABLE agent_api_keys (
  id              TEXT PRIMARY KEY,
  environment_id  TEXT NOT NULL,
  registration_id TEXT NOT NULL REFERENCES agent_registrations (id) ON DELETE CASCADE,
  key_hash        TEXT NOT NULL UNIQUE,
  revoked_at      TIMESTAMPTZ(3),
  created_at      TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX agent_api_keys_env_registration ON agent_api_keys (environment_id, registration_id);

-- The claim attempt's email (template agent_claim) goes through the mail outbox.
ALTER TABLE "email_deliveries" DROP CONSTRAINT "email_deliveries_template_check";
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_template_check" CHECK ("template" IN ('email_verification', 'magic_auth', 'password_reset', 'invitation', 'radar_challenge', 'passwordless_session', 'waitlist_confirmation', 'email_change', 'agent_claim'));
