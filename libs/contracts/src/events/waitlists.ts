import { z } from 'zod';

/*
 * Waitlists (WORKOS_API.md §7.10), published by identity. The REST object is `waitlist_entry`;
 * WorkOS's events are named `waitlist_user.*` and their payload is not typed by the SDKs, so it
 * is the entry under `object: 'waitlist_user'` without `additional_fields` (user-provided, kept
 * out of events and webhooks).
 */

const state = z.enum(['pending', 'approved', 'denied']);

export const waitlistSchema = z.strictObject({ object: z.literal('waitlist'), id: z.string(), created_at: z.string(), updated_at: z.string() });
export type WaitlistWire = z.infer<typeof waitlistSchema>;

export const waitlistEntrySchema = z.strictObject({
  object: z.literal('waitlist_entry'),
  id: z.string(),
  email: z.string(),
  state,
  approved_at: z.string().nullable(),
  additional_fields: z.record(z.string(), z.string()),
  waitlist_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WaitlistEntryWire = z.infer<typeof waitlistEntrySchema>;

export const waitlistUserEventSchema = z.strictObject({
  object: z.literal('waitlist_user'),
  id: z.string(),
  email: z.string(),
  state,
  approved_at: z.string().nullable(),
  waitlist_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const waitlistEventSchemas = {
  'waitlist_user.created': waitlistUserEventSchema,
  'waitlist_user.approved': waitlistUserEventSchema,
  'waitlist_user.denied': waitlistUserEventSchema,
} as const;
