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
  /**
   * Where radar SMS challenges go: `development` keeps them in memory for GET /dev/sms/messages
   * (answers 404 and sends nothing when NODE_ENV=production), `twilio` posts to a
   * Twilio-compatible Messages API.
   */
  SMS_PROVIDER: z.enum(['development', 'twilio']).default('development'),
  TWILIO_API_BASE_URL: z.string().url().default('https://api.twilio.com'),
  TWILIO_ACCOUNT_SID: z.string().min(1).max(64).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).max(256).optional(),
  /** The sender number (E.164) or messaging service SID. */
  TWILIO_FROM: z.string().min(1).max(64).optional(),
});
