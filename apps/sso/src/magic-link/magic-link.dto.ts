import { createHash } from 'node:crypto';
import { z } from 'zod';

/** identity → sso: a Magic Link whose link was just followed (and spent) for this address. */
export const magicLinkCodeRequestSchema = z.strictObject({
  email: z.string().trim().toLowerCase().max(320).email(),
  redirect_uri: z.url().max(2048),
  state: z.string().max(4096).optional(),
  connection_id: z.string().regex(/^conn_[0-9A-HJKMNP-TV-Z]{26}$/).optional(),
});
export type MagicLinkCodeRequest = z.infer<typeof magicLinkCodeRequestSchema>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The connection ID of an environment's Magic Link profiles when createSession named none: a
 * `conn_` ID derived from the environment. It is not a row in /connections: WorkOS's
 * dashboard-made MagicLink connection has no counterpart here.
 */
export function magicLinkConnectionId(environmentId: string): string {
  return derivedId('conn', `wos/magic-link-connection/${environmentId}`);
}

/**
 * A Magic Link profile's ID: derived from the environment, connection and address, so one
 * address signs in as the same profile every time (as WorkOS's profile IDs are stable) without
 * a row in `profiles` (whose connection must exist), and never as another environment's.
 */
export function magicLinkProfileId(environmentId: string, connectionId: string, email: string): string {
  return derivedId('prof', `wos/magic-link-profile/${environmentId}/${connectionId}/${email}`);
}

/** `<prefix>_<26 Crockford base32 characters>` from a SHA-256 of `seed`: the shape of a ULID ID, deterministic. */
function derivedId(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let bits = 0n;
  for (const b of digest.subarray(0, 17)) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 26; i++) out += CROCKFORD[Number((bits >> BigInt(5 * (25 - i) + 6)) & 31n)];
  // The first character of a ULID is at most 7 (48-bit time); keep the shape valid.
  return `${prefix}_${CROCKFORD[CROCKFORD.indexOf(out[0]!) & 7]}${out.slice(1)}`;
}
