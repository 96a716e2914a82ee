import { z } from 'zod';

/**
 * The SSO or OAuth connection a sign-in went through (authkit/sso-sign-in.service.ts). It rides
 * along the AuthKit code, pending authentication steps and the session, where it decides which
 * organizations the session may switch into (sessions/organization-entry.ts).
 */
export const ssoSignInSchema = z.object({
  connectionId: z.string(),
  connectionType: z.string(),
  /** The connection's own organization; null for environment-wide OAuth providers. */
  organizationId: z.string().nullable(),
  idpId: z.string(),
  /**
   * The identity is not linked to the user yet: its email was neither vouched for (a verified
   * domain of the connection's organization, or a provider-verified address) nor proven. No
   * session is issued until the emailed code is entered.
   */
  linkPending: z.boolean(),
});
export type SsoSignIn = z.infer<typeof ssoSignInSchema>;

/** The stored (JSON) form back, or null when absent or not one. */
export function ssoSignInOf(json: unknown): SsoSignIn | null {
  const parsed = ssoSignInSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
