import { createCipheriv } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '@wos/platform';
import type { Pkcs11KeyProvider } from '../infra/pkcs11-key-provider';
import { KeyProviderError, LocalKeyProvider, type KeyProvider } from '../vault-core/key-provider';

/** The configured adapters: `platform` wraps KEKs of organizations without a key of their own. */
export interface RootKeyProviders {
  platform: KeyProvider;
  /** Every configured adapter by name, for KEK versions wrapped before a provider change. */
  byName: ReadonlyMap<string, KeyProvider>;
  pkcs11: Pkcs11KeyProvider | null;
}
export const ROOT_KEY_PROVIDERS = Symbol('ROOT_KEY_PROVIDERS');

export type ByokProvider = 'LOCAL' | 'PKCS11';

/** An organization's own root key (vault_byok_keys). */
export interface ByokKeyRow {
  id: string;
  environmentId: string;
  organizationId: string;
  keyProvider: ByokProvider;
  /** PKCS11: the key's label in the token. LOCAL: `<platform provider>:<root key ref>` that wraps the material. */
  keyRef: string;
  /** LOCAL: the imported key wrapped by the platform's root key; null once revoked. */
  wrappedMaterial: Buffer | null;
  fingerprint: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** How a KEK version is wrapped (vault_kek_versions). */
export interface KekWrapping {
  provider: string;
  rootKeyId: string;
  byokKeyId: string | null;
  wrappedKey: Buffer;
}

/** A key that exists but must not be used: its holder destroyed or revoked it. Never a 500. */
export abstract class KeyUnavailableError extends DomainError {}

/** An organization's BYOK key was revoked: its data cannot be read, nor new data written, with it. */
export class ByokKeyRevokedError extends KeyUnavailableError {
  constructor(organizationId: string) {
    super(403, 'byok_key_revoked', "The organization's own encryption key (BYOK) was revoked: the vault data it protects cannot be read or written.", {
      organization_id: organizationId,
    });
  }
}

/* Binds imported material to its environment, organization and key: copied to another row, it does not open. */
function materialAad(k: Pick<ByokKeyRow, 'environmentId' | 'organizationId' | 'id'>): Buffer {
  return Buffer.from(`wos/vault/byok/v1|${k.environmentId}|${k.organizationId}|${k.id}`, 'utf8');
}

/** AES key check value: the first 3 bytes of AES-256-ECB(key, zero block), hex (what HSM consoles show). */
export function keyCheckValue(key: Buffer): string {
  const c = createCipheriv('aes-256-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).subarray(0, 3).toString('hex');
}

/**
 * Wraps and unwraps KEK material under the right root key: an organization's active BYOK key when
 * it has one, else the platform's. Invariant: a KEK version wrapped by a revoked BYOK key is never
 * opened (ByokKeyRevokedError), whatever the provider would still allow.
 */
@Injectable()
export class RootKeysService implements OnModuleDestroy {
  constructor(@Inject(ROOT_KEY_PROVIDERS) private readonly providers: RootKeyProviders) {}

  onModuleDestroy(): void {
    this.providers.pkcs11?.close();
  }

  async wrap(byok: ByokKeyRow | null, key: Buffer, aad: Buffer): Promise<KekWrapping> {
    if (!byok) {
      const w = await this.providers.platform.wrap(key, aad);
      return { provider: this.providers.platform.name, rootKeyId: w.keyRef, byokKeyId: null, wrappedKey: w.wrapped };
    }
    const { provider, keyRef } = await this.byokProvider(byok);
    const w = await provider.wrap(key, aad, keyRef);
    return { provider: provider.name, rootKeyId: w.keyRef, byokKeyId: byok.id, wrappedKey: w.wrapped };
  }

  /** `byok` is the row named by `w.byokKeyId` (null for the platform's root key). */
  async unwrap(w: KekWrapping, byok: ByokKeyRow | null, aad: Buffer): Promise<Buffer> {
    if (w.byokKeyId) {
      if (!byok || byok.id !== w.byokKeyId) throw new Error(`BYOK key ${w.byokKeyId} is missing`);
      const { provider } = await this.byokProvider(byok);
      return provider.unwrap(w.rootKeyId, w.wrappedKey, aad);
    }
    const provider = this.providers.byName.get(w.provider);
    if (!provider) throw new Error(`a KEK version was wrapped by key provider "${w.provider}", which is not configured`);
    return provider.unwrap(w.rootKeyId, w.wrappedKey, aad);
  }

  /** Imported LOCAL material, wrapped by the platform's root key for storage: its key_ref and bytes. */
  async sealMaterial(k: Pick<ByokKeyRow, 'environmentId' | 'organizationId' | 'id'>, material: Buffer): Promise<{ keyRef: string; wrappedMaterial: Buffer }> {
    const w = await this.providers.platform.wrap(material, materialAad(k));
    return { keyRef: `${this.providers.platform.name}:${w.keyRef}`, wrappedMaterial: w.wrapped };
  }

  /** Throws a KeyProviderError unless the token holds a usable, non-extractable key `label`; returns its check value. */
  async verifyPkcs11Key(label: string): Promise<string> {
    const pkcs11 = this.requirePkcs11();
    pkcs11.assertUsable(label);
    // A round trip through the token proves the key wraps and unwraps, not just that it exists.
    const probe = Buffer.from('wos/vault/byok/probe');
    const w = await pkcs11.wrap(probe, probe, label);
    if (!(await pkcs11.unwrap(label, w.wrapped, probe)).equals(probe)) throw new KeyProviderError(`key "${label}" failed a wrap round trip`);
    return pkcs11.keyCheckValue(label);
  }

  get pkcs11Configured(): boolean {
    return this.providers.pkcs11 !== null;
  }

  private async byokProvider(byok: ByokKeyRow): Promise<{ provider: KeyProvider; keyRef: string }> {
    if (byok.revokedAt) throw new ByokKeyRevokedError(byok.organizationId);
    if (byok.keyProvider === 'PKCS11') return { provider: this.requirePkcs11(), keyRef: byok.keyRef };
    const sep = byok.keyRef.indexOf(':');
    const platform = this.providers.byName.get(byok.keyRef.slice(0, sep));
    if (!platform || !byok.wrappedMaterial) throw new Error(`BYOK key ${byok.id}: its material cannot be opened here`);
    const material = await platform.unwrap(byok.keyRef.slice(sep + 1), byok.wrappedMaterial, materialAad(byok));
    return { provider: LocalKeyProvider.single(byok.id, material), keyRef: byok.id };
  }

  private requirePkcs11(): Pkcs11KeyProvider {
    if (!this.providers.pkcs11) throw new KeyProviderError('no PKCS#11 token is configured (VAULT_PKCS11_*)');
    return this.providers.pkcs11;
  }
}
