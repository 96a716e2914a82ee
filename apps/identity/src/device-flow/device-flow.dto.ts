import { z } from 'zod';

/** `POST /user_management/authorize/device` (RFC 8628 §3.1; Java SDK `createDevice`). */
export const createDeviceSchema = z.strictObject({ client_id: z.string().min(1).max(200) });

/** The device code grant's own fields (client_id, device_id, ip_address and user_agent are the common ones). */
export const deviceCodeGrantSchema = z.strictObject({ device_code: z.string().min(1).max(200) });

/** RFC 8628 §3.2 (Java SDK `DeviceAuthorizationResponse`). */
export const deviceAuthorizationWireSchema = z.object({
  device_code: z.string(),
  user_code: z.string(),
  verification_uri: z.string(),
  verification_uri_complete: z.string(),
  expires_in: z.number().int(),
  interval: z.number().int(),
});
export type DeviceAuthorizationWire = z.infer<typeof deviceAuthorizationWireSchema>;

/* RFC 8628 §6.1: 20 consonants (no vowels, so no words), 8 characters: 20^8 ≈ 2^34.5. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** What a person typed, as stored: upper case, the alphabet only (dashes and spaces dropped). */
export function normaliseUserCode(typed: string): string | null {
  const code = typed.slice(0, 32).toUpperCase().replace(/[\s-]/g, '');
  return code.length === USER_CODE_LENGTH && [...code].every((c) => USER_CODE_ALPHABET.includes(c)) ? code : null;
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function userCodeFrom(random: Buffer): string {
  // 256 % 20 === 16: bytes ≥ 240 are skipped so every letter is equally likely.
  let code = '';
  for (const byte of random) {
    if (byte >= 240) continue;
    code += USER_CODE_ALPHABET[byte % 20];
    if (code.length === USER_CODE_LENGTH) return code;
  }
  throw new Error('not enough random bytes for a user code');
}
