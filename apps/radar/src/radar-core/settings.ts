import { z } from 'zod';

/** What a control does when it fires: nothing, record it, ask for a challenge, or refuse. */
export const CONTROL_MODES = ['off', 'log', 'challenge', 'block'] as const;
export type ControlMode = (typeof CONTROL_MODES)[number];
const mode = z.enum(CONTROL_MODES);
const count = z.number().int().min(1).max(1_000_000);
const windowSeconds = z.number().int().min(1).max(86_400 * 7);

/**
 * An environment's Radar settings. Thresholds are the largest count that is still allowed: a
 * control fires when the count in its window, this attempt included, goes ABOVE it.
 */
export const radarSettingsSchema = z
  .object({
    /** What identity does when radar cannot answer in time: sign in anyway (open) or refuse (closed). */
    fail_policy: z.enum(['open', 'closed']),
    bot_detection: z.object({ mode, max_attempts_per_ip_per_minute: count }).strict(),
    brute_force_attack: z
      .object({ mode, max_failures_per_account: count, max_failures_per_ip: count, max_failures_per_subnet: count, window_seconds: windowSeconds })
      .strict(),
    /** Distinct accounts signed in to from one IP address, or from one network (its ASN), in the window. */
    credential_stuffing: z.object({ mode, max_accounts_per_ip: count, max_accounts_per_asn: count.default(200), window_seconds: windowSeconds }).strict(),
    repeat_sign_up: z.object({ mode, disposable_email_domains: z.boolean(), max_sign_ups_per_ip: count, window_seconds: windowSeconds }).strict(),
    stale_account: z.object({ mode, days: z.number().int().min(1).max(3650) }).strict(),
    /** Beyond WorkOS: the account's newest Directory Sync user is inactive, suspended or deleted. */
    directory_inactive: z.object({ mode }).strict(),
    /** A sign-in from a device fingerprint the account never signed in from (when it has some). */
    unrecognized_device: z.object({ mode }).strict(),
    /**
     * Beyond WorkOS: a sign-in to an organization with an email whose domain is not one of that
     * organization's verified domains (radar learns them from organizations' events).
     */
    unverified_domain: z.object({ mode }).strict(),
    /**
     * A sign-in farther than `min_distance_km` from the account's last successful one, at a speed
     * above `max_speed_kmh` (an airliner cruises at about 900 km/h).
     */
    impossible_travel: z.object({ mode, max_speed_kmh: z.number().int().min(50).max(20_000), min_distance_km: z.number().int().min(1).max(20_000) }).strict(),
    /**
     * Beyond WorkOS: `radar.attempt.created` and `.updated` for every attempt (the events API and
     * webhooks). Off by default: WorkOS publishes only `authentication.radar_risk_detected`, and
     * these would double the events of every sign-in (each a relay turn, a produce request and a
     * fetch in every consumer). `authentication.radar_risk_detected` and
     * `radar.known_device.created` are published either way.
     */
    attempt_events: z.boolean(),
  })
  .strict();
export type RadarSettings = z.infer<typeof radarSettingsSchema>;
export type ControlName = Exclude<keyof RadarSettings, 'fail_policy' | 'attempt_events'>;
export const CONTROL_NAMES: readonly ControlName[] = [
  'bot_detection',
  'brute_force_attack',
  'credential_stuffing',
  'repeat_sign_up',
  'stale_account',
  'directory_inactive',
  'unrecognized_device',
  'impossible_travel',
  'unverified_domain',
];

export const DEFAULT_RADAR_SETTINGS: RadarSettings = {
  fail_policy: 'open',
  bot_detection: { mode: 'block', max_attempts_per_ip_per_minute: 120 },
  brute_force_attack: { mode: 'challenge', max_failures_per_account: 10, max_failures_per_ip: 50, max_failures_per_subnet: 200, window_seconds: 900 },
  credential_stuffing: { mode: 'block', max_accounts_per_ip: 20, max_accounts_per_asn: 200, window_seconds: 3600 },
  repeat_sign_up: { mode: 'challenge', disposable_email_domains: true, max_sign_ups_per_ip: 10, window_seconds: 3600 },
  stale_account: { mode: 'log', days: 90 },
  directory_inactive: { mode: 'block' },
  unrecognized_device: { mode: 'log' },
  impossible_travel: { mode: 'challenge', max_speed_kmh: 1000, min_distance_km: 500 },
  // Off by default: an organization with no verified domain would flag every sign-in to it.
  unverified_domain: { mode: 'off' },
  attempt_events: false,
};

/** A partial update: each control's fields merge over the current ones (PUT /radar/settings). */
export const radarSettingsPatchSchema = z
  .object({
    fail_policy: radarSettingsSchema.shape.fail_policy.optional(),
    bot_detection: radarSettingsSchema.shape.bot_detection.partial().optional(),
    brute_force_attack: radarSettingsSchema.shape.brute_force_attack.partial().optional(),
    credential_stuffing: radarSettingsSchema.shape.credential_stuffing.partial().optional(),
    repeat_sign_up: radarSettingsSchema.shape.repeat_sign_up.partial().optional(),
    stale_account: radarSettingsSchema.shape.stale_account.partial().optional(),
    directory_inactive: radarSettingsSchema.shape.directory_inactive.partial().optional(),
    unrecognized_device: radarSettingsSchema.shape.unrecognized_device.partial().optional(),
    impossible_travel: radarSettingsSchema.shape.impossible_travel.partial().optional(),
    unverified_domain: radarSettingsSchema.shape.unverified_domain.partial().optional(),
    attempt_events: radarSettingsSchema.shape.attempt_events.optional(),
  })
  .strict();
export type RadarSettingsPatch = z.infer<typeof radarSettingsPatchSchema>;

export function mergeSettings(current: RadarSettings, patch: RadarSettingsPatch): RadarSettings {
  const next = { ...current, fail_policy: patch.fail_policy ?? current.fail_policy, attempt_events: patch.attempt_events ?? current.attempt_events } as RadarSettings;
  for (const name of CONTROL_NAMES) (next as Record<string, unknown>)[name] = { ...current[name], ...patch[name] };
  return radarSettingsSchema.parse(next);
}

/** Stored settings may predate a control or a field: missing ones take their defaults. */
export function settingsFromStored(stored: unknown): RadarSettings {
  const parsed = radarSettingsPatchSchema.safeParse(stored);
  return parsed.success ? mergeSettings(DEFAULT_RADAR_SETTINGS, parsed.data) : DEFAULT_RADAR_SETTINGS;
}
