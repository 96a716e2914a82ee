-- Vault objects (a connected account's tokens or keys) whose deletion is owed: queued in the
-- transaction that deletes their accounts, removed once Vault confirms the object is gone. A
-- deletion Vault refused (down, timed out) is retried by VaultDeletionsService with a backoff,
-- so no account's secrets outlive it in Vault.
CREATE TABLE vault_deletions (
  environment_id  text NOT NULL,
  vault_object_id text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (environment_id, vault_object_id)
);
CREATE INDEX vault_deletions_next_attempt_at_idx ON vault_deletions (next_attempt_at);
