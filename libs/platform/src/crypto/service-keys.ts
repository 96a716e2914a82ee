import { createHmac } from 'node:crypto';
import { parseSecretEncryptionKeys } from './secret-box';

/*
 * Per-service keys from one operator root (L14, M10). Setup, the Stack, compose's key one-shot and
 * tools/derive-keys.mjs derive them; a service is handed only its own keys (and, for internal auth,
 * those of the services it calls) and never sees a root. HMAC-SHA256 with the service name as the
 * label, so the keys of two services are independent and none reveals the root.
 */

/** This service's internal-auth key (hex, 64 characters) from the internal-auth root secret. */
export function deriveInternalAuthKey(root: string, service: string): string {
  return createHmac('sha256', root).update(`wos/internal-auth/v1/${service}`).digest('hex');
}

/**
 * This service's SECRET_ENCRYPTION_KEYS from the root value (`<kid>:<base64 32 bytes>[,…]`): each
 * root key becomes `<kid>-<service>:<derived key>`, in the same order, so rotating the root rotates
 * every service. `keepRootForDecrypt` appends the root keys themselves after them, which open (never
 * seal) values sealed before per-service keys existed, until those are re-sealed.
 */
export function deriveSecretEncryptionKeys(rootKeys: string, service: string, opts: { keepRootForDecrypt?: boolean } = {}): string {
  const derived = [...parseSecretEncryptionKeys(rootKeys)].map(([kid, key]) => {
    const id = `${kid}-${service}`;
    if (id.length > 32) throw new Error(`key id "${kid}" is too long to derive "${id}" (at most 32 characters)`);
    return `${id}:${createHmac('sha256', key).update(`wos/secret-box/v1/${service}`).digest('base64')}`;
  });
  return [...derived, ...(opts.keepRootForDecrypt ? [rootKeys] : [])].join(',');
}
