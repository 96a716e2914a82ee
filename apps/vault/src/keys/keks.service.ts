import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PgNotificationListener, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { contextHash, type KeyContext } from '../vault-core/key-context';
import { uuidv7 } from '../vault-core/vault-ids';
import { KeksRepository, type KekRow } from './keks.repository';
import { kekCreatedEvent } from './keys.events';
import { KeyUnavailableError, RootKeysService } from './root-keys.service';

/**
 * NOTIFY channel of KEKs whose key material must leave every cache at once: shredded with their
 * organization, or wrapped by a BYOK key that was revoked (or replaced). Payload
 * `<environment_id>|<kek_id>[,<kek_id>…]`. (The name predates BYOK; it is not persisted.)
 */
export const KEK_SHREDDED_CHANNEL = 'vault_kek_shredded';

/** A key destroyed with its organization: what it protected is gone for good (crypto-shredding). */
export class KeyShreddedError extends KeyUnavailableError {
  constructor() {
    super(404, 'key_destroyed', "This key was destroyed when its organization was deleted: what it encrypted can no longer be read.");
  }
}

export interface ActiveKek {
  id: string;
  version: number;
  key: Buffer;
}

const CONTEXT_TTL_MS = 30_000;
const MAX_CACHED = 10_000;

/* Binds a wrapped KEK to its environment, id and version: a wrapped key copied to another row fails to unwrap. */
export function kekAad(environmentId: string, kekId: string, version: number): Buffer {
  return Buffer.from(`wos/vault/kek/v1|${environmentId}|${kekId}|${version}`, 'utf8');
}

/**
 * Key-encryption keys: one per environment and key context, created on first use, wrapped by the
 * key provider. Unwrapped KEK versions are cached in memory (a version never changes once
 * written); the context → current version mapping is cached for CONTEXT_TTL_MS, so after a
 * rotation other replicas may wrap under the previous version for that long (still decryptable).
 * A shredded KEK is never served: its rows say so, and every replica evicts it from both caches
 * on the `vault_kek_shredded` notification sent by the shredding transaction. The same
 * notification evicts an organization's KEKs when its BYOK key is revoked. Nothing is cached, and
 * every lookup reads the rows, until the listening connection is up and whenever it is lost (a
 * notification may be missed then): both caches are dropped on each loss and reconnection. A key
 * unwrapped while an eviction, a loss or a reconnection happened is not cached (`epoch`), so a
 * lookup that raced a revocation cannot put the key back.
 */
@Injectable()
export class KeksService implements OnModuleInit, OnModuleDestroy {
  private readonly keys = new Map<string, Buffer>();
  private readonly contexts = new Map<string, { row: KekRow; until: number }>();
  private readonly listener: PgNotificationListener;
  /* Bumped by every eviction, loss and reconnection: a key unwrapped across one is used once but not cached. */
  private epoch = 0;

  constructor(
    private readonly repo: KeksRepository,
    private readonly roots: RootKeysService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.listener = new PgNotificationListener(config.DATABASE_URL, KEK_SHREDDED_CHANNEL, {
      onNotify: (payload) => this.evict(payload),
      onConnected: () => this.forgetAll(),
      onLost: () => this.forgetAll(),
    }, logger.child({ context: KeksService.name }));
  }

  onModuleInit(): void {
    this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    const stopped = this.listener.stop(); // no longer connected from here on
    this.forgetAll();
    await stopped;
  }

  /** True while KEKs may be remembered and answered from memory (the LISTEN connection is up). */
  get serving(): boolean {
    return this.listener.connected;
  }

  private forgetAll(): void {
    this.epoch++;
    this.keys.clear();
    this.contexts.clear();
  }

  /* Payload: `<environment_id>|<kek_id>[,<kek_id>…]`. */
  private evict(payload: string): void {
    this.epoch++;
    const [environmentId, ids] = payload.split('|');
    for (const kekId of (ids ?? '').split(',')) {
      for (const k of this.keys.keys()) if (k.startsWith(`${environmentId}|${kekId}|`)) this.keys.delete(k);
      for (const [k, v] of this.contexts) if (v.row.id === kekId) this.contexts.delete(k);
    }
  }

  /** The context's KEK at its current version, created (with a `vault.kek.created` event) on first use. */
  async forContext(environmentId: string, context: KeyContext): Promise<ActiveKek> {
    const hash = contextHash(context);
    const cacheKey = `${environmentId}|${hash}`;
    const cached = this.contexts.get(cacheKey);
    if (cached && cached.until > Date.now()) {
      // A hit keeps the entry's expiry: refreshing it on every use would keep a busy replica on
      // a rotated-away version for good instead of CONTEXT_TTL_MS at most.
      return { id: cached.row.id, version: cached.row.currentVersion, key: await this.version(environmentId, cached.row.id, cached.row.currentVersion) };
    }
    const epoch = this.epoch;
    let row = await this.repo.findByContext(environmentId, hash);
    if (!row) {
      const id = uuidv7();
      const key = randomBytes(32);
      const result = await this.repo.createIfAbsent(
        environmentId,
        { id, contextHash: hash, context },
        (byok) => this.roots.wrap(byok, key, kekAad(environmentId, id, 1)),
        kekCreatedEvent(environmentId, id, context),
      );
      row = result.row;
      if (result.created && epoch === this.epoch) this.remember(`${environmentId}|${id}|1`, key);
    }
    if (row.shredded) throw new KeyShreddedError();
    this.contexts.delete(cacheKey);
    if (this.serving && epoch === this.epoch) {
      this.contexts.set(cacheKey, { row, until: Date.now() + CONTEXT_TTL_MS });
      if (this.contexts.size > MAX_CACHED) this.contexts.delete(this.contexts.keys().next().value!);
    }
    return { id: row.id, version: row.currentVersion, key: await this.version(environmentId, row.id, row.currentVersion) };
  }

  /** A KEK version of this environment, or null when the environment has no such KEK version. */
  async version(environmentId: string, kekId: string, version: number): Promise<Buffer>;
  async version(environmentId: string, kekId: string, version: number, optional: true): Promise<Buffer | null>;
  async version(environmentId: string, kekId: string, version: number, optional = false): Promise<Buffer | null> {
    const cacheKey = `${environmentId}|${kekId}|${version}`;
    const hit = this.keys.get(cacheKey);
    if (hit) return hit;
    const epoch = this.epoch;
    const row = await this.repo.findVersion(environmentId, kekId, version);
    if (!row) {
      if (optional) return null;
      throw new Error(`KEK ${kekId} v${version} is missing in environment ${environmentId}`);
    }
    if (row.shredded) throw new KeyShreddedError();
    const key = await this.roots.unwrap(row.wrapping, row.byok, kekAad(environmentId, kekId, version));
    if (epoch === this.epoch) this.remember(cacheKey, key);
    return key;
  }

  /**
   * Rotates the context's KEK: a new current version (with its `vault.kek.created` event) and a
   * rekey job for the data keys stored under older ones; older versions keep decrypting. Null
   * when the context has no KEK yet.
   */
  async rotate(environmentId: string, context: KeyContext): Promise<{ id: string; version: number } | null> {
    const row = await this.repo.findByContext(environmentId, contextHash(context));
    if (!row) return null;
    const version = await this.repo.addVersion(
      environmentId,
      row.id,
      (byok, next) => this.roots.wrap(byok, randomBytes(32), kekAad(environmentId, row.id, next)),
      (next) => kekCreatedEvent(environmentId, row.id, context, next),
    );
    this.contexts.delete(`${environmentId}|${contextHash(context)}`);
    return version === null ? null : { id: row.id, version };
  }

  /** Drops the KEKs from this replica's caches now (the NOTIFY reaches the others, and this one again). */
  forget(environmentId: string, kekIds: string[]): void {
    this.evict(`${environmentId}|${kekIds.join(',')}`);
  }

  /* Callers check that no eviction, loss or reconnection happened since their read (`epoch`). */
  private remember(cacheKey: string, key: Buffer): void {
    if (!this.serving) return;
    this.keys.set(cacheKey, key);
    if (this.keys.size > MAX_CACHED) this.keys.delete(this.keys.keys().next().value!);
  }
}
