import { z } from 'zod';
import type { ItContact } from '../generated/prisma/client';
import { IT_CONTACT_INTENTS } from '../portal-core/intents';

export const createItContactSchema = z.strictObject({
  email: z.string().trim().toLowerCase().email('must be an email address').max(320),
});
export type CreateItContactInput = z.infer<typeof createItContactSchema>;

export const inviteItContactSchema = z.strictObject({
  intents: z
    .array(z.enum(IT_CONTACT_INTENTS, { message: `must be one of ${IT_CONTACT_INTENTS.join(', ')}` }))
    .min(1)
    .max(IT_CONTACT_INTENTS.length)
    .refine((l) => new Set(l).size === l.length, 'intents must be unique'),
});
export type InviteItContactInput = z.infer<typeof inviteItContactSchema>;

/** The node SDK's revoke sends `{}`; nothing else is accepted. */
export const revokeItContactSchema = z.strictObject({});

export const itContactSchema = z.object({ object: z.literal('it_contact'), id: z.string(), email: z.string(), created_at: z.string(), updated_at: z.string() });
export type ItContactWire = z.infer<typeof itContactSchema>;
export const itContactListSchema = z.object({
  object: z.literal('list'),
  data: z.array(itContactSchema),
  list_metadata: z.object({ before: z.string().nullable(), after: z.string().nullable() }),
});

export function toItContactWire(c: ItContact): ItContactWire {
  return { object: 'it_contact', id: c.id, email: c.email, created_at: c.createdAt.toISOString(), updated_at: c.updatedAt.toISOString() };
}
