import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ListEnvelope } from '@wos/contracts';
import { ConflictError, NotFoundError, paginate, toListEnvelope, ValidationError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { DataKeysService } from '../keys/data-keys.service';
import { KeyUnavailableError } from '../keys/root-keys.service';
import { API_ACTOR, type VaultActor } from '../vault-core/actor';
import { openValue, sealValue } from '../vault-core/key-blob';
import type { KeyContext } from '../vault-core/key-context';
import { isUuid, uuidv7 } from '../vault-core/vault-ids';
import {
  toMetadataWire,
  toObjectWithoutValueWire,
  type CreateObjectInput,
  type ListObjectsQuery,
  type ObjectMetadataWire,
  type ObjectWithoutValueWire,
  type StoredObject,
  type VaultObjectWire,
} from './objects.dto';
import { dataReadEvent, dataWrittenEvent, namedEvent, namesListedEvent, type Reader } from './objects.events';
import { ObjectsRepository, type NewVersion, type WriteOutcome } from './objects.repository';

/* The value's GCM additional data: a ciphertext moved to another object, version or environment does not open. */
function valueAad(environmentId: string, objectId: string, versionId: string): string {
  return `wos/vault/kv/v1|${environmentId}|${objectId}|${versionId}`;
}

/**
 * KV objects. Invariants: every version's value is sealed under a fresh data key wrapped by the
 * KEK of the object's key context (envelope encryption; plaintext never reaches the database or
 * an event), and every write commits with its event.
 */
@Injectable()
export class ObjectsService {
  constructor(
    private readonly repo: ObjectsRepository,
    private readonly dataKeys: DataKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(environmentId: string, input: CreateObjectInput, actor: VaultActor = API_ACTOR): Promise<ObjectMetadataWire> {
    const id = uuidv7();
    const version = await this.seal(environmentId, id, input.key_context, input.value);
    const outcome = await this.repo.create(
      environmentId,
      { id, name: input.name, keyContext: input.key_context, kekId: version.kekId, actor },
      version,
      dataWrittenEvent('created', { id, environmentId, name: input.name, keyContext: input.key_context, kekId: version.kekId }, actor),
    );
    return toMetadataWire(this.expectWritten(outcome, id));
  }

  async read(environmentId: string, id: string, reader: Reader): Promise<VaultObjectWire> {
    return this.readStored(environmentId, await this.find(environmentId, id, 'read'), reader);
  }

  async readByName(environmentId: string, name: string, reader: Reader): Promise<VaultObjectWire> {
    const o = await this.repo.findByName(environmentId, name);
    if (!o) throw new NotFoundError('a vault object', name);
    return this.readStored(environmentId, o, reader);
  }

  async describe(environmentId: string, id: string): Promise<ObjectWithoutValueWire> {
    const o = await this.find(environmentId, id, 'read');
    await this.repo.recordEvents([namedEvent('vault.metadata.read', o, API_ACTOR)]);
    return toObjectWithoutValueWire(o);
  }

  async update(environmentId: string, id: string, value: string, versionCheck: string | null, actor: VaultActor = API_ACTOR): Promise<ObjectWithoutValueWire> {
    const current = await this.find(environmentId, id, 'write');
    if (versionCheck !== null && versionCheck !== current.currentVersionId) throw staleVersion();
    const version = await this.seal(environmentId, id, current.keyContext, value);
    const outcome = await this.repo.update(environmentId, id, versionCheck, version, actor, (o) => dataWrittenEvent('updated', o, actor));
    return toObjectWithoutValueWire(this.expectWritten(outcome, id));
  }

  async delete(environmentId: string, id: string, versionCheck: string | null): Promise<void> {
    if (!isUuid(id)) throw new NotFoundError('a vault object', id);
    this.expectWritten(await this.repo.delete(environmentId, id, versionCheck, (o) => namedEvent('vault.data.deleted', o, API_ACTOR)), id);
  }

  async list(environmentId: string, query: ListObjectsQuery): Promise<ListEnvelope<{ id: string; name: string; updated_at: string }>> {
    const page = await paginate(query, (req) => this.repo.list(environmentId, req, { search: query.search, updatedAfter: query.updated_after }));
    await this.repo.recordEvents([namesListedEvent(environmentId, API_ACTOR)]);
    return toListEnvelope(page, (o) => ({ id: o.id, name: o.name, updated_at: o.updatedAt.toISOString() }));
  }

  async listVersions(environmentId: string, id: string) {
    const found = isUuid(id) ? await this.repo.listVersions(environmentId, id) : null;
    if (!found) throw new NotFoundError('a vault object', id);
    return {
      data: found.versions.map((v) => ({ id: v.id, created_at: v.createdAt.toISOString(), current_version: v.id === found.currentVersionId, etag: v.etag, size: v.size })),
      list_metadata: { before: null, after: null },
    };
  }

  /* A read takes the cached row; a writer compares its version check with the committed one. */
  private async find(environmentId: string, id: string, purpose: 'read' | 'write'): Promise<StoredObject> {
    const o = !isUuid(id) ? null : purpose === 'read' ? await this.repo.readById(environmentId, id) : await this.repo.findById(environmentId, id);
    if (!o) throw new NotFoundError('a vault object', id);
    return o;
  }

  private async readStored(environmentId: string, o: StoredObject, reader: Reader): Promise<VaultObjectWire> {
    // A stored version that does not open is our failure (a 500 with its request ID), never the
    // caller's 400; unless its key was destroyed or revoked on purpose (a 404 or a 403).
    const dk = await this.dataKeys.open(environmentId, o.encryptedKeys).catch((err: unknown) => {
      if (err instanceof KeyUnavailableError) throw err;
      throw new Error(`vault object ${o.id} version ${o.currentVersionId}: its data key does not open (${(err as Error).message})`);
    });
    const value = openValue(dk.key, o.ciphertext, valueAad(environmentId, o.id, o.currentVersionId)).toString('utf8');
    await this.repo.recordEvents([dataReadEvent(o, API_ACTOR, reader)]);
    return { id: o.id, name: o.name, value, metadata: toMetadataWire(o) };
  }

  /** A new version of `objectId`'s value: a fresh data key from the context's KEK seals it. */
  private async seal(environmentId: string, objectId: string, context: KeyContext, value: string): Promise<NewVersion & { kekId: string }> {
    const plaintext = Buffer.from(value, 'utf8');
    if (plaintext.length > this.config.VAULT_MAX_VALUE_BYTES) {
      throw new ValidationError([{ field: 'value', code: 'value_too_large', message: `The value must be at most ${this.config.VAULT_MAX_VALUE_BYTES} bytes.` }]);
    }
    const id = uuidv7();
    const dk = await this.dataKeys.generate(environmentId, context);
    const ciphertext = sealValue(dk.key, plaintext, valueAad(environmentId, objectId, id));
    return { id, encryptedKeys: dk.blob, ciphertext, size: plaintext.length, etag: createHash('sha256').update(ciphertext).digest('hex').slice(0, 32), kekId: dk.kekId };
  }

  private expectWritten(outcome: WriteOutcome, id: string): StoredObject {
    if ('ok' in outcome) return outcome.ok;
    if ('missing' in outcome) throw new NotFoundError('a vault object', id);
    if ('stale' in outcome) throw staleVersion();
    throw new ConflictError('name_already_exists', 'An object with this name already exists.');
  }
}

function staleVersion(): ConflictError {
  return new ConflictError('version_check_failed', 'The object has changed since the given version: read it again and retry.');
}
