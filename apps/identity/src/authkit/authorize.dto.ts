import { z } from 'zod';

/**
 * GET /user_management/authorize (WORKOS_API.md §7.5). The gateway has already resolved
 * `client_id` to the environment and checked `redirect_uri` against its redirect URIs.
 */
export const authorizeQuerySchema = z
  .object({
    client_id: z.string(),
    redirect_uri: z.string().url(),
    response_type: z.literal('code', { error: 'response_type must be "code".' }),
    state: z.string().max(2048).optional(),
    code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/, 'code_challenge must be base64url (43-128 characters).').optional(),
    code_challenge_method: z.literal('S256', { error: 'Only the S256 code_challenge_method is supported.' }).optional(),
    provider: z.string().max(100).optional(),
    connection_id: z.string().max(100).optional(),
    organization_id: z.string().max(100).optional(),
    login_hint: z.string().max(320).optional(),
    domain_hint: z.string().max(255).optional(),
    screen_hint: z.enum(['sign-in', 'sign-up']).optional(),
    prompt: z.string().max(100).optional(),
    max_age: z.string().max(20).optional(),
    invitation_token: z.string().max(200).optional(),
    claim_nonce: z.string().max(200).optional(),
  })
  .catchall(z.union([z.string(), z.array(z.string())]))
  .refine((q) => q.provider || q.connection_id || q.organization_id, { message: 'One of provider, connection_id or organization_id is required.' })
  .refine((q) => !q.code_challenge_method || q.code_challenge, { message: 'code_challenge_method needs a code_challenge.' });
export type AuthorizeQuery = z.infer<typeof authorizeQuerySchema>;

/** `grant_type=authorization_code` body fields (client_id and client_secret are stripped before). */
export const authorizationCodeGrantSchema = z.object({
  code: z.string().min(1).max(200),
  /** Optional (WorkOS's SDKs do not send it); when given it must be the one the code was issued for. */
  redirect_uri: z.string().max(2048).optional(),
  code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'code_verifier must be 43-128 characters of [A-Za-z0-9._~-].').optional(),
  invitation_token: z.string().max(200).optional(),
});
