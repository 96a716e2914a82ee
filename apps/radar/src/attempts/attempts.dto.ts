import { isIP } from 'node:net';
import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import type { RadarAttemptWire } from '@wos/contracts';
import type { RadarAttempt } from '../generated/prisma/client';
import type { Decision } from '../radar-core/controls';

export const AUTH_METHODS = ['Password', 'Passkey', 'Authenticator', 'SMS_OTP', 'Email_OTP', 'Social', 'SSO', 'Other'] as const;

/**
 * `radar.createAttempt` (WORKOS_API.md §20); `user_id`, `device*`, `country`, `organization_id`
 * and `radar_auth_attempt_id` are our optional extensions. The SDK always sends `ip_address` and `user_agent`; identity may not know them (its
 * caller did not pass them), and then the per-IP controls and the bot check have nothing to count.
 */
export const createAttemptSchema = z.object({
  ip_address: z.string().trim().max(64).refine((ip) => isIP(ip) !== 0, 'ip_address must be an IPv4 or IPv6 address').optional(),
  user_agent: z.string().max(1024).optional(),
  email: z.string().trim().min(3).max(320).email(),
  auth_method: z.enum(AUTH_METHODS),
  action: z.enum(['sign-in', 'sign-up']),
  user_id: z.string().min(1).max(64).optional(),
  device: z.string().min(1).max(256).optional(),
  device_fingerprint: z.string().min(1).max(256).optional(),
  country: z.string().regex(/^[A-Za-z]{2}$/).optional(),
  /** The organization the sign-in is for (control unverified_domain). */
  organization_id: z.string().min(1).max(64).optional(),
  /** An earlier attempt of the same email this one continues (identity's grants pass theirs). */
  radar_auth_attempt_id: z.string().min(1).max(64).optional(),
});
export type CreateAttemptInput = z.infer<typeof createAttemptSchema>;

/** Identity's internal call once a user with several organizations picked one (continueIntoOrganization). */
export const organizationContinuationSchema = z.object({ organization_id: z.string().min(1).max(64) }).strict();
export type OrganizationContinuationInput = z.infer<typeof organizationContinuationSchema>;

/** `radar.updateAttempt`: the SDK sends only `'success'` for either field. */
export const updateAttemptSchema = z
  .object({ challenge_status: z.literal('success').optional(), attempt_status: z.literal('success').optional() })
  .refine((b) => b.challenge_status || b.attempt_status, 'challenge_status or attempt_status is required');
export type UpdateAttemptInput = z.infer<typeof updateAttemptSchema>;

/** Our management list (not in WorkOS's API): attempts newest first, filtered. */
export const listAttemptsQuerySchema = paginationQuerySchema.extend({
  verdict: z.enum(['allow', 'challenge', 'block']).optional(),
  control: z.string().max(64).optional(),
  email: z.string().max(320).optional(),
  ip_address: z.string().max(64).optional(),
  action: z.enum(['sign-in', 'sign-up']).optional(),
  country: z.string().regex(/^[A-Za-z]{2}$/).optional(),
});
export type ListAttemptsQuery = z.infer<typeof listAttemptsQuerySchema>;

/** Our statistics: attempts per bucket, deciding control and verdict over a time range (at most 31 days). */
export const attemptStatsQuerySchema = z
  .object({
    interval: z.enum(['hour', 'day']).default('hour'),
    since: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
    until: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  })
  .strict();
export type AttemptStatsQuery = z.infer<typeof attemptStatsQuerySchema>;

/** What createAttempt answers (the SDK reads exactly these fields). */
export interface AttemptVerdictWire {
  verdict: Decision['verdict'];
  reason: string;
  attempt_id: string;
  control?: string;
  blocklist_type?: string;
}

export function toVerdictWire(a: RadarAttempt): AttemptVerdictWire {
  return {
    verdict: a.verdict as Decision['verdict'],
    reason: a.reason,
    attempt_id: a.id,
    ...(a.control ? { control: a.control } : {}),
    ...(a.blocklistType ? { blocklist_type: a.blocklistType } : {}),
  };
}

export function toAttemptWire(a: RadarAttempt): RadarAttemptWire {
  return {
    object: 'radar_attempt',
    id: a.id,
    ip_address: a.ipAddress,
    user_agent: a.userAgent,
    email: a.email,
    user_id: a.userId,
    country: a.country,
    auth_method: a.authMethod,
    action: a.action as RadarAttemptWire['action'],
    verdict: a.verdict as RadarAttemptWire['verdict'],
    reason: a.reason,
    control: a.control,
    blocklist_type: a.blocklistType,
    findings: a.findings as RadarAttemptWire['findings'],
    attempt_status: a.attemptStatus,
    challenge_status: a.challengeStatus,
    organization_id: a.organizationId,
    related_attempt_id: a.relatedAttemptId,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}
