import { z } from 'zod';

/** How identity consults radar on sign-ins (apps/radar; docs/ARCHITECTURE.md "Radar"). */
export const radarClientConfigSchema = z.object({
  /** The radar service. Unset: sign-ins are not assessed (a deployment without radar). */
  RADAR_URL: z.string().url().optional(),
  /** The strict deadline of one assessment; past it the fail policy decides. */
  RADAR_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(300),
  /**
   * What to do when radar cannot answer in time, until radar has told identity the environment's
   * own policy (`fail_policy` in its settings, remembered from each answer): `open` signs in
   * anyway, `closed` refuses with 503 `radar_unavailable`. Logged either way.
   */
  RADAR_FAIL_POLICY: z.enum(['open', 'closed']).default('open'),
  /** Lifetime of a radar email-challenge code (WorkOS codes live 10 minutes). */
  RADAR_CHALLENGE_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
});
