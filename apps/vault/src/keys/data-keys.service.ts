import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BadRequestError } from '@wos/platform';
import { KeyBlobError, parseKeyBlob, unwrapDataKey, wrapDataKey } from '../vault-core/key-blob';
import type { KeyContext } from '../vault-core/key-context';
import { uuidv7 } from '../vault-core/vault-ids';
import type { DataKeyPairWire, DecryptedDataKeyWire } from './data-keys.dto';
import { KeksRepository } from './keks.repository';
import { KeksService } from './keks.service';
import { dekDecryptedEvent, dekReadEvent } from './keys.events';

export interface WrappedDataKey {
  id: string;
  key: Buffer;
  /** The `encrypted_keys` blob (key-blob.ts). */
  blob: Buffer;
  kekId: string;
}

/*
 * One answer for every blob this environment cannot open: no oracle for which check failed. With
 * `errors[]` the SDK raises its BadRequestException, as its vault methods document.
 */
function unopenable(): BadRequestError {
  return new BadRequestError('invalid_encrypted_keys', 'The encrypted keys could not be decrypted in this environment.', {
    errors: [{ code: 'invalid_encrypted_keys', message: 'The encrypted keys are malformed, tampered with, or from another environment.' }],
  });
}

/**
 * Data keys: fresh 32-byte AES keys wrapped by the context's KEK. Invariant: a blob opens only
 * in the environment that issued it (the environment is GCM additional data and the KEK lookup
 * is scoped to it), and only under the exact KEK version named in its authenticated header.
 */
@Injectable()
export class DataKeysService {
  constructor(
    private readonly keks: KeksService,
    private readonly repo: KeksRepository,
  ) {}

  /** A new data key wrapped under the context's current KEK version (no event: callers record their own). */
  async generate(environmentId: string, context: KeyContext): Promise<WrappedDataKey> {
    const kek = await this.keks.forContext(environmentId, context);
    const id = uuidv7();
    const key = randomBytes(32);
    return { id, key, blob: wrapDataKey({ kekId: kek.id, kekVersion: kek.version, keyId: id }, kek.key, key, environmentId), kekId: kek.id };
  }

  /** Opens a blob issued in this environment; a DomainError (400) for anything else. */
  async open(environmentId: string, blob: Buffer): Promise<{ id: string; key: Buffer; kekId: string }> {
    try {
      const head = parseKeyBlob(blob);
      const kek = await this.keks.version(environmentId, head.kekId, head.kekVersion, true);
      if (!kek) throw unopenable();
      return { id: head.keyId, key: unwrapDataKey(blob, kek, environmentId), kekId: head.kekId };
    } catch (err) {
      if (err instanceof KeyBlobError) throw unopenable();
      throw err;
    }
  }

  async createDataKey(environmentId: string, context: KeyContext): Promise<DataKeyPairWire> {
    const dk = await this.generate(environmentId, context);
    await this.repo.recordEvents([dekReadEvent(environmentId, [dk.id], context)]);
    return { context, data_key: dk.key.toString('base64'), encrypted_keys: dk.blob.toString('base64'), id: dk.id };
  }

  async decryptDataKey(environmentId: string, keys: string): Promise<DecryptedDataKeyWire> {
    const opened = await this.open(environmentId, decodeBase64(keys));
    await this.repo.recordEvents([dekDecryptedEvent(environmentId, opened.id)]);
    return { data_key: opened.key.toString('base64'), id: opened.id };
  }

  /**
   * Re-wraps an existing data key under the current KEK version of `context` (the same or a new
   * context): the key and its ID stay, so data encrypted with it needs no re-encryption.
   */
  async rekey(environmentId: string, context: KeyContext, encryptedKeys: string): Promise<DataKeyPairWire> {
    const opened = await this.open(environmentId, decodeBase64(encryptedKeys));
    const kek = await this.keks.forContext(environmentId, context);
    const blob = wrapDataKey({ kekId: kek.id, kekVersion: kek.version, keyId: opened.id }, kek.key, opened.key, environmentId);
    await this.repo.recordEvents([dekReadEvent(environmentId, [opened.id], context)]);
    return { context, data_key: opened.key.toString('base64'), encrypted_keys: blob.toString('base64'), id: opened.id };
  }
}

function decodeBase64(value: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw unopenable();
  return Buffer.from(value, 'base64');
}
