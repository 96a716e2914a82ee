import type { SealedColumn } from '@wos/platform';

/* Audit Logs' stored SecretBox values (`wos secrets audit-logs`). Each is bound to its purpose rather than its row. */

/** A checkpoint-signing private key (chain/chain.service.ts). */
export const CHAIN_KEY_CONTEXT = 'audit-log-chain-key:v1';
/** A log stream's destination credentials (log-streams). */
export const STREAM_SECRETS_CONTEXT = 'audit-log-stream-secrets:v1';

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'audit_log_chain_keys', key: 'id', column: 'private_key_sealed', context: () => CHAIN_KEY_CONTEXT },
  { table: 'audit_log_streams', key: 'id', column: 'secrets_sealed', context: () => STREAM_SECRETS_CONTEXT },
];
