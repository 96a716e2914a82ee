import { z } from 'zod';

/*
 * AuthKit email flows and invitations (WORKOS_API.md §7.6, §7.7). The REST objects carry the
 * secret (`code`, `password_reset_token`, `token`, and the URLs built from them); the event
 * payloads never do, so a webhook endpoint or the Events API cannot be used to sign someone in.
 */

const emailCodeFields = {
  id: z.string(),
  user_id: z.string(),
  email: z.string(),
  expires_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
};

/** `email_verification` event payload: the REST object without `code`. */
export const emailVerificationEventSchema = z.strictObject({ object: z.literal('email_verification'), ...emailCodeFields });
/** `email_verification` REST object. */
export const emailVerificationSchema = emailVerificationEventSchema.extend({ code: z.string() });
export type EmailVerificationWire = z.infer<typeof emailVerificationSchema>;

/** `magic_auth` event payload: the REST object without `code`. */
export const magicAuthEventSchema = z.strictObject({ object: z.literal('magic_auth'), ...emailCodeFields });
export const magicAuthSchema = magicAuthEventSchema.extend({ code: z.string() });
export type MagicAuthWire = z.infer<typeof magicAuthSchema>;

/** `password_reset` event payload: no token, no URL, and (as WorkOS) no `updated_at`. */
export const passwordResetEventSchema = z.strictObject({
  object: z.literal('password_reset'),
  id: z.string(),
  user_id: z.string(),
  email: z.string(),
  expires_at: z.string(),
  created_at: z.string(),
});
export const passwordResetSchema = passwordResetEventSchema.extend({ password_reset_token: z.string(), password_reset_url: z.string() });
export type PasswordResetWire = z.infer<typeof passwordResetSchema>;

/** `invitation` event payload: the REST object without `token` and `accept_invitation_url`. */
export const invitationEventSchema = z.strictObject({
  object: z.literal('invitation'),
  id: z.string(),
  email: z.string(),
  state: z.enum(['pending', 'accepted', 'expired', 'revoked']),
  accepted_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  expires_at: z.string(),
  organization_id: z.string().nullable(),
  inviter_user_id: z.string().nullable(),
  accepted_user_id: z.string().nullable(),
  role_slug: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const invitationSchema = invitationEventSchema.extend({ token: z.string(), accept_invitation_url: z.string() });
export type InvitationWire = z.infer<typeof invitationSchema>;

export const identityFlowEventSchemas = {
  'email_verification.created': emailVerificationEventSchema,
  'magic_auth.created': magicAuthEventSchema,
  'password_reset.created': passwordResetEventSchema,
  'password_reset.succeeded': passwordResetEventSchema,
  'invitation.created': invitationEventSchema,
  'invitation.resent': invitationEventSchema,
  'invitation.revoked': invitationEventSchema,
  'invitation.accepted': invitationEventSchema,
} as const;
