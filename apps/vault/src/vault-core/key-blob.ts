import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { bytesToUuid, uuidToBytes } from './vault-ids';

/*
 * The `encrypted_keys` blob that createDataKey hands out and decryptDataKey takes back. The SDK
 * treats it as opaque bytes (it only length-prefixes it inside vault.encrypt's output), so the
 * layout is ours:
 *
 *   magic "WVK1" (4) ‖ kek_id (16, UUID) ‖ kek_version (4, uint32 BE) ‖ key_id (16, UUID)
 *   ‖ iv (12) ‖ AES-256-GCM(KEK, data key) (32) ‖ tag (16)                      = 100 bytes
 *
 * The GCM additional data is the 40-byte header plus the environment ID, so a blob whose header
 * was edited, or that is presented in another environment, fails authentication instead of
 * yielding a key. Invariant: this layout is persisted (object versions store it) and held by
 * clients inside their ciphertexts; change it only with a new magic.
 */
const MAGIC = Buffer.from('WVK1', 'ascii');
const HEADER_BYTES = 4 + 16 + 4 + 16;
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;
export const KEY_BLOB_BYTES = HEADER_BYTES + IV_BYTES + KEY_BYTES + TAG_BYTES;

export interface KeyBlobHeader {
  kekId: string;
  kekVersion: number;
  keyId: string;
}

export class KeyBlobError extends Error {
  override name = 'KeyBlobError';
}

function header(h: KeyBlobHeader): Buffer {
  const version = Buffer.alloc(4);
  version.writeUInt32BE(h.kekVersion);
  return Buffer.concat([MAGIC, uuidToBytes(h.kekId), version, uuidToBytes(h.keyId)]);
}

function aad(head: Buffer, environmentId: string): Buffer {
  return Buffer.concat([head, Buffer.from(environmentId, 'utf8')]);
}

/** Wraps a 32-byte data key under a KEK version; the result is the wire blob. */
export function wrapDataKey(h: KeyBlobHeader, kek: Buffer, dataKey: Buffer, environmentId: string): Buffer {
  if (dataKey.length !== KEY_BYTES || kek.length !== KEY_BYTES) throw new KeyBlobError('keys must be 32 bytes');
  const head = header(h);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(aad(head, environmentId));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([head, iv, body, cipher.getAuthTag()]);
}

function checkShape(blob: Buffer): void {
  if (blob.length !== KEY_BLOB_BYTES || !blob.subarray(0, 4).equals(MAGIC)) throw new KeyBlobError('not a vault key blob');
}

/** Reads the header without authenticating it: only to find the KEK version that opens the blob. */
export function parseKeyBlob(blob: Buffer): KeyBlobHeader {
  checkShape(blob);
  return { kekId: bytesToUuid(blob.subarray(4, 20)), kekVersion: blob.readUInt32BE(20), keyId: bytesToUuid(blob.subarray(24, 40)) };
}

/** Authenticates the blob (header, environment, wrapped key) and returns the data key. */
export function unwrapDataKey(blob: Buffer, kek: Buffer, environmentId: string): Buffer {
  checkShape(blob);
  const head = blob.subarray(0, HEADER_BYTES);
  const iv = blob.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const body = blob.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + KEY_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', kek, iv);
  decipher.setAAD(aad(head, environmentId));
  decipher.setAuthTag(blob.subarray(HEADER_BYTES + IV_BYTES + KEY_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new KeyBlobError('the key blob failed authentication');
  }
}

/** AES-256-GCM of a value under its data key: iv (12) ‖ ciphertext ‖ tag (16); `context` is the additional data. */
export function sealValue(dataKey: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function openValue(dataKey: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new KeyBlobError('malformed sealed value');
  const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new KeyBlobError('the value failed authentication');
  }
}
