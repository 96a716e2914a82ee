import { z } from 'zod';
import type { MagicAuthWire } from '@wos/contracts';
import type { OneTimeSecret } from '../generated/prisma/client';
import { emailSchema } from '../users/users.dto';

export const createMagicAuthSchema = z.strictObject({
  email: emailSchema,
  invitation_token: z.string().min(1).max(256).optional(),
  // Radar signals the SDK may forward; accepted and not used.
  ip_address: z.string().max(64).optional(),
  user_agent: z.string().max(1024).optional(),
  radar_auth_attempt_id: z.string().max(256).optional(),
  signals_id: z.string().max(256).optional(),
});
export type CreateMagicAuthInput = z.infer<typeof createMagicAuthSchema>;

export const magicAuthGrantSchema = z.object({
  code: z.string().min(1).max(64),
  email: emailSchema,
  invitation_token: z.string().min(1).max(256).optional(),
  link_authorization_code: z.string().max(512).optional(),
});
export type MagicAuthGrantInput = z.infer<typeof magicAuthGrantSchema>;

export function toMagicAuthWire(row: OneTimeSecret, code: string): MagicAuthWire {
  return {
    object: 'magic_auth',
    id: row.id,
    user_id: row.userId,
    email: row.email,
    expires_at: row.expiresAt.toISOString(),
    code,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
