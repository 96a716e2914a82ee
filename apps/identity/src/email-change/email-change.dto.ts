import { z } from 'zod';
import { userSchema, type UserWire } from '@wos/contracts';
import { emailSchema } from '../users/users.dto';

export const sendEmailChangeSchema = z.strictObject({ new_email: emailSchema });
export type SendEmailChangeInput = z.infer<typeof sendEmailChangeSchema>;

export const confirmEmailChangeSchema = z.strictObject({ code: z.string().min(1).max(16) });
export type ConfirmEmailChangeInput = z.infer<typeof confirmEmailChangeSchema>;

/** `email_change` (Java SDK `EmailChange`): the user as it is now, and the address waiting for its code. */
export const emailChangeWireSchema = z.object({
  object: z.literal('email_change'),
  user: userSchema,
  new_email: z.string(),
  expires_at: z.string(),
  created_at: z.string(),
});
export type EmailChangeWire = z.infer<typeof emailChangeWireSchema>;

/** `email_change_confirmation`: the user with the new address. */
export const emailChangeConfirmationWireSchema = z.object({ object: z.literal('email_change_confirmation'), user: userSchema });
export type EmailChangeConfirmationWire = { object: 'email_change_confirmation'; user: UserWire };
