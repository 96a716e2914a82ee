import { z } from 'zod';

const scopeList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : [v].flat().flatMap((s) => s.split(/[,\s]+/)).map((s) => s.trim()).filter(Boolean)))
  .refine((l) => l.length <= 30 && l.every((s) => /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/.test(s)), 'must be OAuth scope tokens');

/**
 * `/sso/authorize` query (WORKOS_API.md §9). The gateway already resolved the environment from
 * client_id and checked redirect_uri exactly against the environment's allowed URIs.
 * `provider_query_params[k]=v` keys are collected separately (see readProviderQueryParams).
 * That one of connection, organization or provider is given is checked by the service, whose
 * 422 names them (WorkOS's invalid connection selector).
 */
export const authorizeQuerySchema = z
  .object({
    client_id: z.string().min(1).max(128),
    redirect_uri: z.string().url().max(2048),
    response_type: z.literal('code', { message: "response_type must be 'code'" }),
    state: z.string().max(4096).optional(),
    connection: z.string().min(1).max(128).optional(),
    organization: z.string().min(1).max(128).optional(),
    provider: z.string().min(1).max(64).optional(),
    domain_hint: z.string().trim().toLowerCase().max(253).optional(),
    /** Deprecated alias of domain_hint (Python SDK). */
    domain: z.string().trim().toLowerCase().max(253).optional(),
    login_hint: z.string().max(512).optional(),
    code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/, 'must be a base64url S256 challenge').optional(),
    code_challenge_method: z.literal('S256', { message: "code_challenge_method must be 'S256'" }).optional(),
    provider_scopes: scopeList,
    nonce: z.string().max(512).optional(),
    prompt: z.string().max(64).optional(),
  })
  .refine((q) => !q.code_challenge_method || q.code_challenge, { message: 'code_challenge_method needs code_challenge', path: ['code_challenge'] });
export type AuthorizeQuery = z.infer<typeof authorizeQuerySchema>;

/** Reserved parameters a caller's provider_query_params may not override. */
const RESERVED = new Set(['client_id', 'redirect_uri', 'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'scope', 'SAMLRequest', 'RelayState', 'Signature', 'SigAlg']);

export function readProviderQueryParams(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const m = /^provider_query_params\[([^\]]{1,64})\]$/.exec(k);
    if (m && typeof v === 'string' && !RESERVED.has(m[1]!) && Object.keys(out).length < 20) out[m[1]!] = v.slice(0, 1024);
  }
  return out;
}
