import { z } from 'zod';
import { sessionSchema, type SessionWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { Session } from '../generated/prisma/client';

export const revokeSessionSchema = z.strictObject({ session_id: z.string().min(1).max(128) });
export type RevokeSessionInput = z.infer<typeof revokeSessionSchema>;
export const listSessionsQuerySchema = paginationQuerySchema;
export const logoutQuerySchema = z.object({
  session_id: z.string().min(1).max(128),
  return_to: z
    .string()
    .max(2048)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
    .optional(),
});
export type LogoutQuery = z.infer<typeof logoutQuerySchema>;

/** Session `auth_method` from the WorkOS `authentication_method` of the sign-in. */
export function authMethodOf(method: string): string {
  const map: Record<string, string> = { Password: 'password', MagicAuth: 'magic_code', SSO: 'sso', Passkey: 'passkey', Impersonation: 'impersonation', ExternalAuth: 'external_auth', MigratedSession: 'migrated_session', CrossAppAuth: 'cross_app_auth' };
  return map[method] ?? (method.endsWith('OAuth') ? 'oauth' : 'unknown');
}

export function toSessionWire(s: Session, now = new Date()): SessionWire {
  const status = s.status === 'revoked' ? 'revoked' : s.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
  return {
    object: 'session',
    id: s.id,
    user_id: s.userId,
    organization_id: s.organizationId ?? undefined,
    ip_address: s.ipAddress,
    user_agent: s.userAgent,
    impersonator: (s.impersonator as SessionWire['impersonator']) ?? undefined,
    auth_method: authMethodOf(s.authMethod),
    status,
    expires_at: s.expiresAt.toISOString(),
    ended_at: s.endedAt ? s.endedAt.toISOString() : null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

export { sessionSchema };
