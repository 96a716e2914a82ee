import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { KeyProviderError, type KeyProvider } from '../vault-core/key-provider';

/*
 * The part of pkcs11js (an optional dependency, built with node-gyp) this adapter uses. Declared
 * here so the service builds and runs without it; it is loaded only when PKCS#11 is configured.
 */
type Handle = Buffer;
interface Attribute {
  type: number;
  value?: number | boolean | string | Buffer;
}
interface Pkcs11Module {
  load(path: string): void;
  C_Initialize(): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): { label: string };
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_Logout(session: Handle): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, max: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): Attribute[];
  C_EncryptInit(session: Handle, mechanism: { mechanism: number; parameter?: unknown }, key: Handle): void;
  C_Encrypt(session: Handle, data: Buffer, out: Buffer): Buffer;
  C_DecryptInit(session: Handle, mechanism: { mechanism: number; parameter?: unknown }, key: Handle): void;
  C_Decrypt(session: Handle, data: Buffer, out: Buffer): Buffer;
}
type Pkcs11Js = { PKCS11: new () => Pkcs11Module } & Record<string, number>;

export interface Pkcs11Options {
  /** The PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  library: string;
  tokenLabel: string;
  pin: string;
  /** The key that wraps when no key is named (the platform's root key). */
  rootKeyLabel?: string;
}

/** What the token says of a key: BYOK registration refuses any key that could leave the token. */
export interface Pkcs11KeyFacts {
  label: string;
  aes256: boolean;
  extractable: boolean;
  sensitive: boolean;
  canEncrypt: boolean;
  canDecrypt: boolean;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const flag = (value: Buffer | undefined) => !!value && value.length > 0 && value[0] !== 0;
const ulong = (value: Buffer | undefined) => (value && value.length >= 4 ? value.readUInt32LE(0) : -1);

/**
 * Root keys inside a PKCS#11 token (an HSM; SoftHSM2 in tests). Wrapping is AES-256-GCM performed
 * by the token itself (C_Encrypt with CKM_AES_GCM, the caller's AAD bound in): the root key's
 * value never enters this process, and only keys the token marks sensitive and non-extractable
 * are used. Wrapped form: iv (12) ‖ ciphertext ‖ tag (16). `keyRef` is the key's CKA_LABEL.
 * One logged-in session serves every call; the calls are synchronous, so operations on it never
 * interleave.
 */
export class Pkcs11KeyProvider implements KeyProvider {
  readonly name = 'pkcs11';
  private readonly handles = new Map<string, Handle>();

  private constructor(
    private readonly p11: Pkcs11Js,
    private readonly module: Pkcs11Module,
    private readonly session: Handle,
    private readonly rootKeyLabel: string | undefined,
  ) {}

  static open(opts: Pkcs11Options): Pkcs11KeyProvider {
    let p11: Pkcs11Js;
    try {
      p11 = createRequire(__filename)('pkcs11js') as Pkcs11Js;
    } catch (err) {
      throw new KeyProviderError(`the PKCS#11 key provider needs the pkcs11js package (an optional dependency built by npm install): ${(err as Error).message}`);
    }
    const module = new p11.PKCS11();
    module.load(opts.library);
    module.C_Initialize();
    try {
      const slot = module.C_GetSlotList(true).find((s) => module.C_GetTokenInfo(s).label.trim() === opts.tokenLabel);
      if (!slot) throw new KeyProviderError(`no PKCS#11 token labelled "${opts.tokenLabel}"`);
      const session = module.C_OpenSession(slot, p11.CKF_SERIAL_SESSION!);
      module.C_Login(session, p11.CKU_USER!, opts.pin);
      const provider = new Pkcs11KeyProvider(p11, module, session, opts.rootKeyLabel);
      if (opts.rootKeyLabel) provider.assertUsable(opts.rootKeyLabel);
      return provider;
    } catch (err) {
      module.C_Finalize();
      throw err instanceof KeyProviderError ? err : new KeyProviderError(`PKCS#11: ${(err as Error).message}`);
    }
  }

  close(): void {
    try {
      this.module.C_Logout(this.session);
      this.module.C_CloseSession(this.session);
    } finally {
      this.module.C_Finalize();
    }
  }

  /** The token's facts about a secret key, or null when no key has this label. */
  describe(label: string): Pkcs11KeyFacts | null {
    const handle = this.find(label);
    if (!handle) return null;
    const p = this.p11;
    const [keyType, valueLen, extractable, sensitive, encrypt, decrypt] = this.module
      .C_GetAttributeValue(this.session, handle, [
        { type: p.CKA_KEY_TYPE! },
        { type: p.CKA_VALUE_LEN! },
        { type: p.CKA_EXTRACTABLE! },
        { type: p.CKA_SENSITIVE! },
        { type: p.CKA_ENCRYPT! },
        { type: p.CKA_DECRYPT! },
      ])
      .map((a) => a.value as Buffer);
    return {
      label,
      aes256: ulong(keyType) === p.CKK_AES && ulong(valueLen) === 32,
      extractable: flag(extractable),
      sensitive: flag(sensitive),
      canEncrypt: flag(encrypt),
      canDecrypt: flag(decrypt),
    };
  }

  /** Throws unless `label` names an AES-256 key that can wrap and unwrap and can never leave the token. */
  assertUsable(label: string): void {
    const facts = this.describe(label);
    if (!facts) throw new KeyProviderError(`no secret key labelled "${label}" in the token`);
    if (!facts.aes256) throw new KeyProviderError(`key "${label}" is not an AES-256 key`);
    if (facts.extractable || !facts.sensitive) throw new KeyProviderError(`key "${label}" can be extracted from the token (CKA_EXTRACTABLE must be false and CKA_SENSITIVE true)`);
    if (!facts.canEncrypt || !facts.canDecrypt) throw new KeyProviderError(`key "${label}" does not allow encrypt and decrypt`);
  }

  /** The key check value (AES-ECB of a zero block, first 3 bytes, hex), computed inside the token. */
  keyCheckValue(label: string): string {
    const handle = this.required(label);
    return this.call(label, () => {
      this.module.C_EncryptInit(this.session, { mechanism: this.p11.CKM_AES_ECB! }, handle);
      return this.module.C_Encrypt(this.session, Buffer.alloc(16), Buffer.alloc(16)).subarray(0, 3).toString('hex');
    });
  }

  async wrap(key: Buffer, aad: Buffer, keyRef = this.rootKeyLabel): Promise<{ keyRef: string; wrapped: Buffer }> {
    if (!keyRef) throw new KeyProviderError('no PKCS#11 root key label configured');
    const handle = this.required(keyRef);
    const iv = randomBytes(IV_BYTES);
    const sealed = this.call(keyRef, () => {
      this.module.C_EncryptInit(this.session, this.gcm(iv, aad), handle);
      return this.module.C_Encrypt(this.session, key, Buffer.alloc(key.length + TAG_BYTES));
    });
    return { keyRef, wrapped: Buffer.concat([iv, sealed]) };
  }

  async unwrap(keyRef: string, wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    if (wrapped.length <= IV_BYTES + TAG_BYTES) throw new KeyProviderError('malformed wrapped key');
    const handle = this.required(keyRef);
    return this.call(keyRef, () => {
      this.module.C_DecryptInit(this.session, this.gcm(wrapped.subarray(0, IV_BYTES), aad), handle);
      return Buffer.from(this.module.C_Decrypt(this.session, wrapped.subarray(IV_BYTES), Buffer.alloc(wrapped.length)));
    });
  }

  private gcm(iv: Buffer, aad: Buffer) {
    return { mechanism: this.p11.CKM_AES_GCM!, parameter: { type: this.p11.CK_PARAMS_AES_GCM!, iv, aad, ivBits: IV_BYTES * 8, tagBits: TAG_BYTES * 8 } };
  }

  private required(label: string): Handle {
    const handle = this.find(label);
    if (!handle) throw new KeyProviderError(`no secret key labelled "${label}" in the token`);
    return handle;
  }

  /* Handles stay valid for the session; a key destroyed in the token fails its next call, which forgets it. */
  private find(label: string): Handle | null {
    const cached = this.handles.get(label);
    if (cached) return cached;
    const p = this.p11;
    this.module.C_FindObjectsInit(this.session, [
      { type: p.CKA_CLASS!, value: p.CKO_SECRET_KEY! },
      { type: p.CKA_LABEL!, value: label },
    ]);
    let found: Handle[];
    try {
      found = this.module.C_FindObjects(this.session, 2);
    } finally {
      this.module.C_FindObjectsFinal(this.session);
    }
    if (found.length > 1) throw new KeyProviderError(`more than one secret key is labelled "${label}"`);
    if (!found[0]) return null;
    this.handles.set(label, found[0]);
    return found[0];
  }

  private call<T>(label: string, op: () => T): T {
    try {
      return op();
    } catch (err) {
      this.handles.delete(label);
      throw new KeyProviderError(`PKCS#11 key "${label}" refused the operation (wrong key, tampered data, or the key is gone): ${(err as Error).message}`);
    }
  }
}
