import { z } from 'zod';

/**
 * The authorize parameters as the gateway checked them. The hosted pages keep them in the flow
 * (Redis, sealed) and the SSO handoff seals them into SSO's state, so the browser can never
 * change the redirect URI, PKCE challenge or organization before the code is issued.
 */
export const authorizationRequestSchema = z.object({
  clientId: z.string(),
  redirectUri: z.string(),
  state: z.string().nullable(),
  codeChallenge: z.string().nullable(),
  organizationId: z.string().nullable(),
  /** Unix ms after which the form must be reloaded from /user_management/authorize. */
  expiresAt: z.number(),
});
export type AuthorizationRequest = z.infer<typeof authorizationRequestSchema>;

export const AUTHORIZATION_REQUEST_TTL_MS = 15 * 60_000;
