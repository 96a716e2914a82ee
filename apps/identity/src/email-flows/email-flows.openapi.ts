import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';
import { emailVerificationSchema, invitationSchema, listEnvelopeSchema, magicAuthSchema, passwordResetSchema, userSchema } from '@wos/contracts';
import { sendVerificationEmailSchema, verifyEmailSchema } from '../email-verification/email-verification.dto';
import { createPasswordResetSchema, resetPasswordSchema } from '../password-reset/password-reset.dto';
import { createMagicAuthSchema } from '../magic-auth/magic-auth.dto';
import { confirmEmailChangeSchema, emailChangeConfirmationWireSchema, emailChangeWireSchema, sendEmailChangeSchema } from '../email-change/email-change.dto';
import { emptyBodySchema, listInvitationsQuerySchema, resendInvitationSchema, sendInvitationSchema } from '../invitations/invitations.dto';

const userEnvelope = z.object({ user: userSchema });

/** OpenAPI entries of the email flows and invitations (WORKOS_API.md §7.6, §7.7). */
export const emailFlowsOpenApiRoutes: RouteDoc[] = [
  { method: 'get', path: '/user_management/email_verification/:id', summary: 'Get an email verification code', response: emailVerificationSchema },
  { method: 'post', path: '/user_management/users/:id/email_verification/send', summary: 'Send a verification email', body: sendVerificationEmailSchema, response: userEnvelope },
  { method: 'post', path: '/user_management/users/:id/email_verification/confirm', summary: 'Verify an email with its code', body: verifyEmailSchema, response: userEnvelope },
  { method: 'post', path: '/user_management/users/:id/email_change/send', summary: 'Start an email change: a code is mailed to the new address', body: sendEmailChangeSchema, response: emailChangeWireSchema },
  { method: 'post', path: '/user_management/users/:id/email_change/confirm', summary: 'Confirm an email change with the code sent to the new address', body: confirmEmailChangeSchema, response: emailChangeConfirmationWireSchema },
  { method: 'post', path: '/user_management/password_reset', summary: 'Create a password reset token (emailed)', body: createPasswordResetSchema, response: passwordResetSchema, status: 201 },
  { method: 'get', path: '/user_management/password_reset/:id', summary: 'Get a password reset token', response: passwordResetSchema },
  { method: 'post', path: '/user_management/password_reset/confirm', summary: 'Reset the password with a token', body: resetPasswordSchema, response: userEnvelope },
  { method: 'post', path: '/user_management/magic_auth', summary: 'Create a Magic Auth code (emailed)', body: createMagicAuthSchema, response: magicAuthSchema, status: 201 },
  { method: 'get', path: '/user_management/magic_auth/:id', summary: 'Get a Magic Auth code', response: magicAuthSchema },
  { method: 'get', path: '/user_management/invitations', summary: 'List invitations', query: listInvitationsQuerySchema, response: listEnvelopeSchema(invitationSchema) },
  { method: 'post', path: '/user_management/invitations', summary: 'Send an invitation', body: sendInvitationSchema, response: invitationSchema, status: 201 },
  { method: 'get', path: '/user_management/invitations/:id', summary: 'Get an invitation', response: invitationSchema },
  { method: 'get', path: '/user_management/invitations/by_token/:token', summary: 'Find an invitation by token', response: invitationSchema },
  { method: 'post', path: '/user_management/invitations/:id/accept', summary: 'Accept an invitation', body: emptyBodySchema, response: invitationSchema },
  { method: 'post', path: '/user_management/invitations/:id/revoke', summary: 'Revoke an invitation', body: emptyBodySchema, response: invitationSchema },
  { method: 'post', path: '/user_management/invitations/:id/resend', summary: 'Resend an invitation', body: resendInvitationSchema, response: invitationSchema },
];
