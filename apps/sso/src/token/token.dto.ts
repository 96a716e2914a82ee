import { z } from 'zod';

/** `/sso/token` body, form-encoded (node SDK) or JSON (Python SDK). */
export const tokenRequestSchema = z.object({
  client_id: z.string().min(1).max(128),
  client_secret: z.string().max(512).optional(),
  grant_type: z.string().min(1).max(64),
  code: z.string().min(1).max(512),
  code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be an RFC 7636 code verifier').optional(),
});
export type TokenRequest = z.infer<typeof tokenRequestSchema>;
