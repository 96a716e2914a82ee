import { z } from 'zod';
import { SecretBoxError, type SecretBox } from '@wos/platform';

/**
 * The authorize parameters, carried through the hosted sign-in form as one sealed value, so the
 * browser cannot change the redirect URI, PKCE challenge or organization between the authorize
 * request (which the gateway checked) and the code being issued.
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

/* The environment is in the AAD: a request sealed for one environment never opens in another. */
const context = (environmentId: string) => `authkit-authorization-request:${environmentId}`;

export function sealAuthorizationRequest(box: SecretBox, environmentId: string, request: AuthorizationRequest): string {
  return box.seal(JSON.stringify(request), context(environmentId));
}

/** The request, or null when it is forged, from another environment, or expired. */
export function openAuthorizationRequest(box: SecretBox, environmentId: string, sealed: string, now = Date.now()): AuthorizationRequest | null {
  try {
    const parsed = authorizationRequestSchema.safeParse(JSON.parse(box.openString(sealed, context(environmentId))));
    return parsed.success && parsed.data.expiresAt > now ? parsed.data : null;
  } catch (err) {
    if (err instanceof SecretBoxError || err instanceof SyntaxError) return null;
    throw err;
  }
}
