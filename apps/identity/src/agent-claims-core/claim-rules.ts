/*
 * The claim ceremony's rules, with no I/O: what a registration's status is at a given time, and
 * what a submitted user code does to a claim attempt. The service applies the verdict in one
 * transaction with the attempt's row locked, so two submissions cannot both spend one code.
 */

/** The SDK's `AgentRegistrationStatus`. */
export type RegistrationStatus = 'unverified' | 'verified' | 'expired' | 'revoked';

export interface RegistrationState {
  /** Stored: minted `active | revoked`; self-registered `unverified | verified | revoked`. */
  status: string;
  /** The claim's expiry; an unverified registration past it is expired (its API keys with it). */
  claimExpiresAt: Date | null;
}

/**
 * The status the wire and every credential check see. A minted registration is `verified`
 * (its organization and principal were verified facts when it was minted), never `active`.
 */
export function registrationStatus(r: RegistrationState, now: Date): RegistrationStatus {
  if (r.status === 'revoked') return 'revoked';
  if (r.status === 'active' || r.status === 'verified') return 'verified';
  return r.claimExpiresAt && r.claimExpiresAt > now ? 'unverified' : 'expired';
}

/** Credentials of a registration validate only while it is unverified (not yet expired) or verified. */
export function credentialsLive(r: RegistrationState, now: Date): boolean {
  const s = registrationStatus(r, now);
  return s === 'unverified' || s === 'verified';
}

export interface AttemptState {
  expiresAt: Date;
  supersededAt: Date | null;
  claimedAt: Date | null;
  userId: string | null;
  userCodeHash: string | null;
  userCodeExpiresAt: Date | null;
  failedAttempts: number;
}

export type ClaimVerdict =
  | { kind: 'claim'; }
  | { kind: 'wrong_code'; failedAttempts: number; locked: boolean }
  | { kind: 'refuse'; reason: 'previously_claimed' | 'claim_expired' | 'attempt_superseded' | 'attempt_locked' | 'not_linked' | 'user_code_expired' };

/**
 * The verdict on a user code submitted for the registration's current attempt. Order matters:
 * a spent, expired, superseded or locked attempt refuses before the code is compared, so a
 * locked attempt never confirms even the right code, and a wrong guess never resets anything.
 */
export function claimVerdict(r: RegistrationState, a: AttemptState, codeMatches: boolean, now: Date, maxFailures: number): ClaimVerdict {
  const status = registrationStatus(r, now);
  if (status === 'verified' || a.claimedAt) return { kind: 'refuse', reason: 'previously_claimed' };
  if (status !== 'unverified' || a.expiresAt <= now) return { kind: 'refuse', reason: 'claim_expired' };
  if (a.supersededAt) return { kind: 'refuse', reason: 'attempt_superseded' };
  if (a.failedAttempts >= maxFailures) return { kind: 'refuse', reason: 'attempt_locked' };
  if (!a.userId || !a.userCodeHash || !a.userCodeExpiresAt) return { kind: 'refuse', reason: 'not_linked' };
  if (a.userCodeExpiresAt <= now) return { kind: 'refuse', reason: 'user_code_expired' };
  if (!codeMatches) {
    const failedAttempts = a.failedAttempts + 1;
    return { kind: 'wrong_code', failedAttempts, locked: failedAttempts >= maxFailures };
  }
  return { kind: 'claim' };
}

/**
 * Whether a human may be linked to the attempt (and a fresh user code issued). Once linked, an
 * attempt stays with its user: a second link for another user is refused, so whoever holds the
 * attempt token cannot move a half-finished claim to themselves.
 */
export function linkRefusal(r: RegistrationState, a: AttemptState, userId: string, now: Date, maxFailures: number): 'previously_claimed' | 'claim_expired' | 'attempt_superseded' | 'attempt_locked' | 'linked_to_another_user' | null {
  const status = registrationStatus(r, now);
  if (status === 'verified' || a.claimedAt) return 'previously_claimed';
  if (status !== 'unverified' || a.expiresAt <= now) return 'claim_expired';
  if (a.supersededAt) return 'attempt_superseded';
  if (a.failedAttempts >= maxFailures) return 'attempt_locked';
  if (a.userId && a.userId !== userId) return 'linked_to_another_user';
  return null;
}

/**
 * Which organization a claim binds: the one asked for, when it is one of the user's; the only
 * one, when the user has exactly one; none, when the user has none. Several and none asked for
 * is a question back to the caller (`selection_required`).
 */
export function placement(memberOf: readonly string[], asked: string | null | undefined): { organizationId: string | null } | { refuse: 'not_a_member' | 'selection_required' } {
  if (asked) return memberOf.includes(asked) ? { organizationId: asked } : { refuse: 'not_a_member' };
  if (memberOf.length === 0) return { organizationId: null };
  if (memberOf.length === 1) return { organizationId: memberOf[0]! };
  return { refuse: 'selection_required' };
}

/** Secrets the flow hands out, by prefix: each is 256 random bits in base64url after it. */
export const SECRET_PREFIX = { apiKey: 'sk_agent_', claimToken: 'clm_', attemptToken: 'cla_tkn_' } as const;
export const SECRET_BODY = /^[A-Za-z0-9_-]{43}$/;

/** True when the value has the prefix and a 256-bit body: anything else is unknown without a lookup. */
export function wellFormedSecret(kind: keyof typeof SECRET_PREFIX, value: string): boolean {
  const prefix = SECRET_PREFIX[kind];
  return value.startsWith(prefix) && SECRET_BODY.test(value.slice(prefix.length));
}
