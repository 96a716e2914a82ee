import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ListEnvelope } from '@wos/contracts';
import { ConflictError, NotFoundError, paginate, toListEnvelope, ValidationError } from '@wos/platform';
import { KeyProviderError } from '../vault-core/key-provider';
import { isUuid, uuidv7 } from '../vault-core/vault-ids';
import { toByokKeyWire, type ByokKeyWire, type ListByokKeysQuery, type RegisterByokKeyInput } from './byok.dto';
import { ByokRepository } from './byok.repository';
import { kekAad, KeksService } from './keks.service';
import { KeksRepository } from './keks.repository';
import { byokDeletedEvent, byokVerifiedEvent, kekCreatedEvent } from './keys.events';
import { RekeysService } from './rekeys.service';
import { KeyUnavailableError, keyCheckValue, RootKeysService, type ByokKeyRow } from './root-keys.service';

/**
 * Organizations' own root keys (BYOK). Registering a key moves the organization's KEKs under it
 * (every KEK version re-wrapped, so even ciphertexts clients hold depend on it from then on).
 * Revoking it makes the organization's objects and data keys unreadable at once, on every
 * replica, with a 403 `byok_key_revoked`; and no new data is written for the organization until
 * it brings another key. Revocation is final: a key brought afterwards (even the same material)
 * protects new data only; what the revoked key wrapped stays unreadable.
 */
@Injectable()
export class ByokService {
  constructor(
    private readonly repo: ByokRepository,
    private readonly roots: RootKeysService,
    private readonly keks: KeksService,
    private readonly keksRepo: KeksRepository,
    private readonly rekeys: RekeysService,
  ) {}

  async register(environmentId: string, input: RegisterByokKeyInput): Promise<ByokKeyWire> {
    const key = await this.newKey(environmentId, input);
    const outcome = await this.repo.register(
      environmentId,
      key,
      async (v) => {
        try {
          const kek = await this.roots.unwrap(v.wrapping, v.byok, kekAad(environmentId, v.kekId, v.version));
          return await this.roots.wrap(key, kek, kekAad(environmentId, v.kekId, v.version));
        } catch (err) {
          if (err instanceof KeyUnavailableError) return null;
          throw err;
        }
      },
      (kekId, version) => this.roots.wrap(key, randomBytes(32), kekAad(environmentId, kekId, version)),
      (rotated) => [byokVerifiedEvent(environmentId, key, true), ...rotated.map((r) => kekCreatedEvent(environmentId, r.kekId, r.context, r.version))],
    );
    if ('conflict' in outcome) {
      throw new ConflictError('byok_key_already_active', 'This organization already has an active key: revoke it before bringing another.');
    }
    this.keks.forget(environmentId, outcome.ok.kekIds);
    if (outcome.ok.rotated.length) this.rekeys.runSoon();
    return toByokKeyWire(outcome.ok.key);
  }

  async get(environmentId: string, id: string): Promise<ByokKeyWire> {
    return toByokKeyWire(await this.find(environmentId, id));
  }

  async list(environmentId: string, query: ListByokKeysQuery): Promise<ListEnvelope<ByokKeyWire>> {
    const page = await paginate(query, (req) => this.repo.list(environmentId, req, query.organization_id));
    return toListEnvelope(page, toByokKeyWire);
  }

  async revoke(environmentId: string, id: string): Promise<ByokKeyWire> {
    const revoked = isUuid(id) ? await this.repo.revoke(environmentId, id, (k) => byokDeletedEvent(environmentId, k)) : null;
    if (!revoked) throw new NotFoundError('a BYOK key', id);
    // This replica evicts now, before answering; the others on the NOTIFY sent at commit.
    this.keks.forget(environmentId, revoked.kekIds);
    return toByokKeyWire(revoked.key);
  }

  private async find(environmentId: string, id: string): Promise<ByokKeyRow> {
    const key = isUuid(id) ? await this.repo.find(environmentId, id) : null;
    if (!key) throw new NotFoundError('a BYOK key', id);
    return key;
  }

  /** The key's row, verified: imported material sealed by the platform's root key, or a usable key in the token. */
  private async newKey(environmentId: string, input: RegisterByokKeyInput): Promise<ByokKeyRow> {
    const base = { id: uuidv7(), environmentId, organizationId: input.organization_id, createdAt: new Date(), revokedAt: null };
    if (input.key_provider === 'LOCAL') {
      const material = Buffer.from(input.key_material, 'base64');
      const sealed = await this.roots.sealMaterial(base, material);
      return { ...base, keyProvider: 'LOCAL', keyRef: sealed.keyRef, wrappedMaterial: sealed.wrappedMaterial, fingerprint: keyCheckValue(material) };
    }
    if (!this.roots.pkcs11Configured) {
      throw new ValidationError([{ field: 'key_provider', code: 'key_provider_not_configured', message: 'No PKCS#11 token is configured for this vault.' }]);
    }
    try {
      const fingerprint = await this.roots.verifyPkcs11Key(input.key_label);
      return { ...base, keyProvider: 'PKCS11', keyRef: input.key_label, wrappedMaterial: null, fingerprint };
    } catch (err) {
      if (!(err instanceof KeyProviderError)) throw err;
      await this.keksRepo.recordEvents([byokVerifiedEvent(environmentId, { organizationId: input.organization_id, keyProvider: 'PKCS11', id: null }, false)]);
      throw new ValidationError([{ field: 'key_label', code: 'byok_key_verification_failed', message: err.message }]);
    }
  }
}
