/**
 * The Idempotency-Key header's bound (1 to 255 characters). The gateway refuses a longer key
 * before any claim; a service that keeps the key's record itself (the gateway's
 * SERVICE_IDEMPOTENT_CREATES: audit-logs) checks it again, so no caller stores an unbounded key.
 */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** WorkOS's 400 `invalid_idempotency_key` message for a key outside the bound. */
export const INVALID_IDEMPOTENCY_KEY_MESSAGE = `The Idempotency-Key header must be between 1 and ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`;
