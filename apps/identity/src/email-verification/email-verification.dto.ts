import { z } from 'zod';
import type { EmailVerificationWire } from '@wos/contracts';
import type { OneTimeSecret } from '../generated/prisma/client';

/** Any non-empty string is accepted here; a code that is not 6 digits simply never matches. */
export const verifyEmailSchema = z.strictObject({ code: z.string().min(1).max(64) });
export type VerifyEmailInput = z.infer<typeof verifyEmailSchema>;

/** `POST …/email_verification/send` takes an empty JSON object. */
export const sendVerificationEmailSchema = z.strictObject({});

export const emailVerificationGrantSchema = z.object({
  code: z.string().min(1).max(64),
  pending_authentication_token: z.string().min(1).max(256),
});

export function toEmailVerificationWire(row: OneTimeSecret, code: string): EmailVerificationWire {
  return {
    object: 'email_verification',
    id: row.id,
    user_id: row.userId,
    email: row.email,
    expires_at: row.expiresAt.toISOString(),
    code,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
