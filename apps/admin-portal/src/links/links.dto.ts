import { z } from 'zod';
import { PORTAL_INTENTS } from '../portal-core/intents';

const httpUrl = z.string().url().max(2048).refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

/** `POST /portal/generate_link` (WORKOS_API.md §15). */
export const generateLinkSchema = z.strictObject({
  organization: z.string().min(1).max(128),
  intent: z.enum(PORTAL_INTENTS, { message: `must be one of ${PORTAL_INTENTS.join(', ')}` }),
  return_url: httpUrl.optional(),
  success_url: httpUrl.optional(),
  intent_options: z
    .strictObject({
      sso: z.strictObject({ bookmark_slug: z.string().min(1).max(128).optional(), provider_type: z.string().regex(/^[A-Za-z]{2,40}$/, 'must be a connection type').optional() }).optional(),
    })
    .optional(),
  /**
   * The IT admins to grant access (WorkOS: up to 20): each becomes an IT contact of the
   * organization and is emailed a single-use link of its own for this intent (ItContactsService.inviteAdmins).
   */
  admin_emails: z.array(z.string().trim().toLowerCase().email('must be an email address').max(320)).max(20, 'at most 20 admin emails').optional(),
});
export type GenerateLinkInput = z.infer<typeof generateLinkSchema>;

export const portalLinkSchema = z.object({ link: z.string() });
