import { z } from 'zod';

/*
 * RFC 6749 §5.1/§5.2 token responses, as providers really send them: `expires_in` as a number or
 * a numeric string, scopes space- or comma-separated, and some (GitHub, Slack) answer errors with
 * HTTP 200 and an `error` field. Pure: the caller did the HTTP.
 */

/** What pipes keeps in Vault for an OAuth or client-credentials connection. */
export interface StoredTokens {
  access_token: string;
  refresh_token: string | null;
  /** ISO 8601, or null when the provider gave no lifetime. */
  expires_at: string | null;
  scopes: string[];
}

export type TokenOutcome =
  | { ok: true; tokens: StoredTokens }
  /** The grant is gone (revoked, expired, rotated away): only a new authorization helps. */
  | { ok: false; kind: 'invalid_grant'; error: string; description: string | null }
  /** The provider could not answer now (5xx, timeout, garbage): retry later. */
  | { ok: false; kind: 'unavailable'; error: string; description: string | null }
  /** The provider refused the request for another reason (bad client credentials, bad code). */
  | { ok: false; kind: 'rejected'; error: string; description: string | null };

const successSchema = z.object({
  access_token: z.string().min(1).max(16_384),
  refresh_token: z.string().min(1).max(16_384).optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  scope: z.string().max(8_192).optional(),
});

const errorSchema = z.object({ error: z.string().max(256), error_description: z.string().max(1_024).optional() });

export function splitScopes(scope: string | undefined): string[] {
  return scope ? scope.split(/[\s,]+/).filter(Boolean) : [];
}

/**
 * Interprets one token-endpoint answer. `previous` is what a refresh replaces: a response without
 * a new refresh token or scope keeps the old ones (RFC 6749 §6).
 */
export function interpretTokenResponse(
  status: number,
  body: unknown,
  now: Date,
  previous?: { refresh_token: string | null; scopes: string[] },
  requestedScopes: string[] = [],
): TokenOutcome {
  const err = errorSchema.safeParse(body);
  if (status >= 500 || status === 429) {
    return { ok: false, kind: 'unavailable', error: err.success ? err.data.error : `http_${status}`, description: err.success ? (err.data.error_description ?? null) : null };
  }
  if (err.success && !(status >= 200 && status < 300 && successSchema.safeParse(body).success)) {
    const kind = err.data.error === 'invalid_grant' ? 'invalid_grant' : 'rejected';
    return { ok: false, kind, error: err.data.error, description: err.data.error_description ?? null };
  }
  if (status < 200 || status >= 300) return { ok: false, kind: 'rejected', error: `http_${status}`, description: null };
  const ok = successSchema.safeParse(body);
  if (!ok.success) return { ok: false, kind: 'unavailable', error: 'invalid_token_response', description: 'The token endpoint answered without a usable access_token.' };
  const t = ok.data;
  const scopes = t.scope !== undefined ? splitScopes(t.scope) : (previous?.scopes ?? requestedScopes);
  return {
    ok: true,
    tokens: {
      access_token: t.access_token,
      refresh_token: t.refresh_token ?? previous?.refresh_token ?? null,
      expires_at: t.expires_in !== undefined ? new Date(now.getTime() + t.expires_in * 1000).toISOString() : null,
      scopes,
    },
  };
}
