import { z } from 'zod';
import type { InvitationWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import type { Invitation } from '../generated/prisma/client';
import { emailSchema } from '../users/users.dto';

/** Locales AuthKit emails come in (WorkOS answers others with 422 `invalid_locale`). */
export const SUPPORTED_LOCALES = [
  'af', 'am', 'ar', 'bg', 'bn', 'bs', 'ca', 'cs', 'da', 'de', 'de-DE', 'el', 'en', 'en-AU', 'en-CA', 'en-GB', 'en-US', 'es', 'es-419', 'es-ES', 'es-US',
  'et', 'fa', 'fi', 'fil', 'fr', 'fr-BE', 'fr-CA', 'fr-FR', 'fy', 'gl', 'gu', 'ha', 'he', 'hi', 'hr', 'hu', 'hy', 'id', 'is', 'it', 'it-IT', 'ja',
  'jv', 'ka', 'kk', 'km', 'kn', 'ko', 'lt', 'lv', 'mk', 'ml', 'mn', 'mr', 'ms', 'my', 'nb', 'ne', 'nl', 'nl-BE', 'nl-NL', 'nn', 'no', 'pa', 'pl',
  'pt', 'pt-BR', 'pt-PT', 'ro', 'ru', 'sk', 'sl', 'sq', 'sr', 'sv', 'sw', 'ta', 'te', 'th', 'tr', 'uk', 'ur', 'uz', 'vi', 'zh', 'zh-CN', 'zh-HK', 'zh-TW', 'zu',
] as const;
const LOCALES = new Set<string>(SUPPORTED_LOCALES);
export const isSupportedLocale = (l: string) => LOCALES.has(l);

const slug = z.string().trim().min(1).max(128).regex(/^[a-z0-9][a-z0-9_:-]*$/, 'must be a role slug');

export const sendInvitationSchema = z.strictObject({
  email: emailSchema,
  organization_id: z.string().min(1).max(64).optional(),
  expires_in_days: z.number().int().min(1).max(30).optional(),
  inviter_user_id: z.string().min(1).max(64).optional(),
  role_slug: slug.optional(),
  locale: z.string().min(2).max(16).optional(),
});
export type SendInvitationInput = z.infer<typeof sendInvitationSchema>;

export const resendInvitationSchema = z.strictObject({ locale: z.string().min(2).max(16).optional() });
export type ResendInvitationInput = z.infer<typeof resendInvitationSchema>;

/** accept/revoke: the SDK sends an empty body (`null`); nothing else is accepted. */
export const emptyBodySchema = z.strictObject({});

export const listInvitationsQuerySchema = paginationQuerySchema.extend({
  organization_id: z.string().min(1).max(64).optional(),
  email: emailSchema.optional(),
});
export type ListInvitationsQuery = z.infer<typeof listInvitationsQuerySchema>;

/** Stored states plus `expired`, which is derived: a pending invitation past its expiry. */
export function stateOf(inv: Invitation, now = new Date()): InvitationWire['state'] {
  if (inv.state === 'pending' && inv.expiresAt.getTime() <= now.getTime()) return 'expired';
  return inv.state as InvitationWire['state'];
}

export function acceptInvitationUrl(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set('invitation_token', token);
  return url.toString();
}

export function toInvitationWire(inv: Invitation, token: string, baseUrl: string, now = new Date()): InvitationWire {
  return {
    object: 'invitation',
    id: inv.id,
    email: inv.email,
    state: stateOf(inv, now),
    accepted_at: inv.acceptedAt?.toISOString() ?? null,
    revoked_at: inv.revokedAt?.toISOString() ?? null,
    expires_at: inv.expiresAt.toISOString(),
    organization_id: inv.organizationId,
    inviter_user_id: inv.inviterUserId,
    accepted_user_id: inv.acceptedUserId,
    role_slug: inv.roleSlug,
    token,
    accept_invitation_url: acceptInvitationUrl(baseUrl, token),
    created_at: inv.createdAt.toISOString(),
    updated_at: inv.updatedAt.toISOString(),
  };
}
