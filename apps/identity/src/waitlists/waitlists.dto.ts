import { z } from 'zod';
import type { WaitlistEntryWire, WaitlistWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { Waitlist, WaitlistEntry } from '../generated/prisma/client';
import { emailSchema } from '../users/users.dto';

/** The SDK's documented bounds: up to 50 string pairs, keys up to 40 characters, values up to 600. */
export const additionalFieldsSchema = z
  .record(z.string().min(1).max(40), z.string().max(600))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 additional fields');

export const createWaitlistEntrySchema = z.strictObject({
  email: emailSchema,
  additional_fields: additionalFieldsSchema.optional(),
  send_confirmation_email: z.boolean().optional(),
});
export type CreateWaitlistEntryInput = z.infer<typeof createWaitlistEntrySchema>;

export const listWaitlistEntriesQuerySchema = paginationQuerySchema.extend({
  state: z.enum(['pending', 'approved', 'denied']).optional(),
  email: emailSchema.optional(),
});
export type ListWaitlistEntriesQuery = z.infer<typeof listWaitlistEntriesQuerySchema>;

/** approve/deny: the SDK sends an empty body (`null`); nothing else is accepted. */
export const emptyBodySchema = z.strictObject({});

export function toWaitlistWire(w: Waitlist): WaitlistWire {
  return { object: 'waitlist', id: w.id, created_at: w.createdAt.toISOString(), updated_at: w.updatedAt.toISOString() };
}

export function toWaitlistEntryWire(e: WaitlistEntry): WaitlistEntryWire {
  return {
    object: 'waitlist_entry',
    id: e.id,
    email: e.email,
    state: e.state as WaitlistEntryWire['state'],
    approved_at: e.approvedAt?.toISOString() ?? null,
    additional_fields: (e.additionalFields ?? {}) as Record<string, string>,
    waitlist_id: e.waitlistId,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}
