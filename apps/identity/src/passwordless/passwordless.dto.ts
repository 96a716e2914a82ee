import { z } from 'zod';
import type { PasswordlessSession } from '../generated/prisma/client';
import { emailSchema } from '../users/users.dto';

export const createPasswordlessSessionSchema = z.strictObject({
  type: z.literal('MagicLink'),
  email: emailSchema,
  redirect_uri: z.url().max(2048).optional(),
  state: z.string().max(4096).optional(),
  connection: z.string().regex(/^conn_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a connection ID').optional(),
  /** Seconds; WorkOS's default is 15 minutes. */
  expires_in: z.number().int().min(60).max(86_400).optional(),
});
export type CreatePasswordlessSessionInput = z.infer<typeof createPasswordlessSessionSchema>;

export const sendSessionSchema = z.strictObject({});

export interface PasswordlessSessionWire {
  object: 'passwordless_session';
  id: string;
  email: string;
  expires_at: string;
  link: string;
}

/** The link the email carries: it goes to us (as WorkOS's goes to WorkOS), never straight to the app. */
export function passwordlessLink(publicBaseUrl: string, token: string): string {
  return new URL(`/passwordless/confirm/${encodeURIComponent(token)}`, publicBaseUrl).toString();
}

export function toPasswordlessSessionWire(s: PasswordlessSession, link: string): PasswordlessSessionWire {
  return { object: 'passwordless_session', id: s.id, email: s.email, expires_at: s.expiresAt.toISOString(), link };
}
