import { z } from 'zod';

/*
 * Radar's events. `authentication.radar_risk_detected` is WorkOS's (WORKOS_API.md §22); the
 * `radar.*` types are ours: every stored attempt, outcome, list change and settings change.
 */
export const radarAttemptSchema = z.object({
  object: z.literal('radar_attempt'),
  id: z.string(),
  ip_address: z.string(),
  user_agent: z.string(),
  email: z.string(),
  user_id: z.string().nullable(),
  /** ISO 3166-1 alpha-2: the caller's, else from the IP address (offline GeoIP); null when unknown. */
  country: z.string().nullable(),
  auth_method: z.string(),
  action: z.enum(['sign-in', 'sign-up']),
  verdict: z.enum(['allow', 'challenge', 'block']),
  reason: z.string(),
  control: z.string().nullable(),
  blocklist_type: z.string().nullable(),
  findings: z.array(z.object({ control: z.string(), reason: z.string(), mode: z.string() })),
  attempt_status: z.string().nullable(),
  challenge_status: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type RadarAttemptWire = z.infer<typeof radarAttemptSchema>;

export const radarRiskDetectedSchema = z.object({
  auth_method: z.string(),
  action: z.enum(['signup', 'login']),
  control: z.string().nullable(),
  blocklist_type: z.string().nullable(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  /** Null for a standalone createAttempt, which names an email and no user. */
  user_id: z.string().nullable(),
  email: z.string(),
});

export const radarListEntrySchema = z.object({
  object: z.literal('radar_list_entry'),
  id: z.string(),
  type: z.string(),
  action: z.enum(['block', 'allow']),
  entry: z.string(),
  created_at: z.string(),
});
export type RadarListEntryWire = z.infer<typeof radarListEntrySchema>;

export const radarSettingsUpdatedSchema = z.object({ object: z.literal('radar_settings'), settings: z.record(z.string(), z.unknown()), updated_at: z.string() });

/** The events radar publishes on Topic.radar. */
export const radarEventSchemas = {
  'authentication.radar_risk_detected': radarRiskDetectedSchema,
  'radar.attempt.created': radarAttemptSchema,
  'radar.attempt.updated': radarAttemptSchema,
  'radar.list_entry.created': radarListEntrySchema,
  'radar.list_entry.deleted': radarListEntrySchema,
  'radar.settings.updated': radarSettingsUpdatedSchema,
} as const;
