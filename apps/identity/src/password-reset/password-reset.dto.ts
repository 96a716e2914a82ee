import { z } from 'zod';
import type { PasswordResetWire } from '@wos/contracts';
import type { OneTimeSecret } from '../generated/prisma/client';
import { emailSchema, passwordSchema } from '../users/users.dto';

export const createPasswordResetSchema = z.strictObject({ email: emailSchema });
export type CreatePasswordResetInput = z.infer<typeof createPasswordResetSchema>;

export const resetPasswordSchema = z.strictObject({
  token: z.string().min(1).max(256),
  new_password: passwordSchema,
});
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;

/** The link in the email and in the response: the app's page with `?token=`. */
export function passwordResetUrl(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set('token', token);
  return url.toString();
}

export function toPasswordResetWire(row: OneTimeSecret, token: string, baseUrl: string): PasswordResetWire {
  return {
    object: 'password_reset',
    id: row.id,
    user_id: row.userId,
    email: row.email,
    password_reset_token: token,
    password_reset_url: passwordResetUrl(baseUrl, token),
    expires_at: row.expiresAt.toISOString(),
    created_at: row.createdAt.toISOString(),
  };
}
