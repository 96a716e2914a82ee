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
  /** Accepted and checked; the link itself is the credential, so no address is granted anything. */
  admin_emails: z.array(z.string().email().max(320)).max(20).optional(),
});
export type GenerateLinkInput = z.infer<typeof generateLinkSchema>;

export const portalLinkSchema = z.object({ link: z.string() });
