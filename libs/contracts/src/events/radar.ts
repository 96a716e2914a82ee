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
  /** The organization the sign-in is for, when the caller named one. */
  organization_id: z.string().nullable().optional(),
  /** The earlier attempt this one continues (`radar_auth_attempt_id` on identity's grants). */
  related_attempt_id: z.string().nullable().optional(),
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

/**
 * An account's first successful sign-in from a device (a device cookie, the caller's device_id, or
 * a fingerprint; only its hash is kept). Identity mails the user about it unless it is the
 * account's first device. Written once per account and device.
 */
export const radarKnownDeviceSchema = z.object({
  object: z.literal('radar_known_device'),
  attempt_id: z.string(),
  user_id: z.string().nullable(),
  email: z.string(),
  ip_address: z.string(),
  user_agent: z.string(),
  country: z.string().nullable(),
  /** True when the account had no known device before: nothing to warn about. */
  first_for_account: z.boolean(),
  created_at: z.string(),
});
export type RadarKnownDeviceWire = z.infer<typeof radarKnownDeviceSchema>;

/** The events radar publishes on Topic.radar. */
export const radarEventSchemas = {
  'authentication.radar_risk_detected': radarRiskDetectedSchema,
  'radar.attempt.created': radarAttemptSchema,
  'radar.attempt.updated': radarAttemptSchema,
  'radar.list_entry.created': radarListEntrySchema,
  'radar.list_entry.deleted': radarListEntrySchema,
  'radar.settings.updated': radarSettingsUpdatedSchema,
  'radar.known_device.created': radarKnownDeviceSchema,
} as const;
