import { z } from 'zod';

/** Agent self-registration and the claim ceremony (AUTH.md's anonymous flow). */
export const agentClaimsConfigSchema = z.object({
  /** How long an unclaimed registration lives; past it the claim expires and its API key stops validating. */
  AGENT_CLAIM_TTL_SECONDS: z.coerce.number().int().min(60).max(90 * 86_400).default(7 * 86_400),
  /** How long a claim attempt's emailed link works (never past the claim's own expiry). */
  AGENT_CLAIM_ATTEMPT_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** How long a user code works once a human was linked to the attempt (AUTH.md: ≤ 10 minutes). */
  AGENT_USER_CODE_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
  /** Wrong user codes after which the attempt is locked for good (a new attempt needs a human again). */
  AGENT_CLAIM_MAX_FAILURES: z.coerce.number().int().min(1).max(20).default(5),
  /** How often each identity process looks for unclaimed registrations that expired, to write their agent.registration.expired. */
  AGENT_EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Self-registrations an environment accepts per 60 s from one address. */
  AGENT_REGISTRATION_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Claim attempts (each sends an email) per 60 s for one registration. */
  AGENT_CLAIM_ATTEMPT_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(3),
});
