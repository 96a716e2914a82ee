import type { SealedColumn } from '@wos/platform';

/*
 * Identity's stored SecretBox values, for `wos secrets identity status|reseal` after a key
 * rotation. Each context is the one the sealing code uses; the named ones are defined here and
 * imported there. Refresh-token successors are not listed: they are sealed under a key derived
 * from the spent token (sessions/refresh-successor.ts), not the SecretBox.
 */

/** Most values are sealed under their row's own key (`id`, or a signing key's `kid`). */
const rowKey = (key: string) => key;
/** An agent claim attempt's token (agents/agent-claims.service.ts). */
export const agentClaimTokenContext = (attemptId: string) => `agent_claim_attempt:${attemptId}`;
/** A development-inbox copy of a sent email (mail/mail-outbox.service.ts). */
export const inboxAad = (id: bigint | string) => `email_delivery:${id}`;

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'signing_keys', key: 'kid', column: 'private_key', context: rowKey },
  { table: 'auth_factors', key: 'id', column: 'secret', context: rowKey },
  { table: 'one_time_secrets', key: 'id', column: 'secret_sealed', context: rowKey },
  { table: 'invitations', key: 'id', column: 'token_sealed', context: rowKey },
  { table: 'passwordless_sessions', key: 'id', column: 'token_sealed', context: rowKey },
  { table: 'agent_claim_attempts', key: 'id', column: 'token_sealed', context: agentClaimTokenContext },
  { table: 'email_deliveries', key: 'id', column: 'inbox_copy', context: inboxAad },
];
