import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ApiKeyWire } from '@wos/contracts';
import { BackgroundLoop, PgNotificationListener, SecretBox, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { ApiKey } from '../generated/prisma/client';
import { ApiKeysRepository, API_KEYS_REVOKED_CHANNEL } from './api-keys.repository';
import { isApiKeyShaped, isLive, toApiKeyWire } from './api-keys.dto';

/** SecretBox.fingerprint purpose of API-key values. */
export const API_KEY_HASH_PURPOSE = 'api_key';
/** Backstop for a missed NOTIFY: a cached key is re-read at least this often. */
export const CACHE_TTL_MS = 10_000;
const MAX_CACHED = 50_000;
const MAX_PENDING_USES = 50_000;
const FLUSH_USES_MS = 2_000;

interface Cached {
  key: ApiKey;
  wire: ApiKeyWire;
  until: number;
}

/**
 * `POST /api_keys/validations`, the hot path. Keys found are cached in-process by fingerprint, so
 * a validation is one HMAC and a map lookup. Invariants:
 * - Coherent revocation: deleting or expiring a key NOTIFYs its hash in the revoking transaction;
 *   every replica drops it when the notification arrives (milliseconds after commit). A load that
 *   raced with a notification is not stored (a generation counter); nothing is stored, and
 *   every validation reads the database, while the LISTEN connection is down (before it first
 *   connects, and from a loss until the reconnection, when notifications are lost), and the whole
 *   cache is dropped on each loss and reconnection. CACHE_TTL_MS bounds staleness if all of that
 *   failed.
 * - An entry is used only for the environment it was read in; another environment's lookup of the
 *   same value goes to the database, which filters by environment, and finds nothing.
 * - Unknown values are not cached (a flood of them is bounded by the gateway's rate limits; each
 *   costs one unique-index probe).
 * - `last_used_at` is written off the hot path: uses are collected in memory (bounded) and written
 *   in one statement every FLUSH_USES_MS, and on shutdown. A crash loses at most that window.
 */
@Injectable()
export class ApiKeyValidationService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, Cached>();
  /** Row hash → cache key, for rows hashed under an older SecretBox key than the current one. */
  private readonly aliases = new Map<string, string>();
  private generation = 0;
  private readonly pendingUses = new Map<string, { environmentId: string; at: Date }>();
  private readonly listener: PgNotificationListener;
  private readonly flusher: BackgroundLoop;
  private readonly log: Logger;

  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: ApiKeyValidationService.name });
    this.listener = new PgNotificationListener(config.DATABASE_URL, API_KEYS_REVOKED_CHANNEL, {
      onNotify: (hash) => this.forget(hash),
      onConnected: () => this.forgetAll(),
      onLost: () => this.forgetAll(),
    }, this.log);
    // flushUses reports its own failures (and keeps the uses for the next round).
    this.flusher = new BackgroundLoop(() => this.flushUses(), (err) => this.log.warn({ err: err.message }, 'API key use flush failed'));
  }

  onModuleInit(): void {
    this.listener.start();
    this.flusher.start(FLUSH_USES_MS, { immediately: false });
  }

  /** True while keys may be stored and answered from memory (the LISTEN connection is up). */
  get serving(): boolean {
    return this.listener.connected;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flusher.stop();
    const stopped = this.listener.stop(); // no longer connected from here on
    this.forgetAll();
    await stopped;
    await this.flushUses();
  }

  async validate(environmentId: string, value: string): Promise<{ api_key: ApiKeyWire | null }> {
    if (!isApiKeyShaped(value)) return { api_key: null };
    const now = Date.now();
    const fp = this.box.fingerprint(value, API_KEY_HASH_PURPOSE);
    let entry = this.cache.get(fp);
    if (!entry || entry.until <= now || entry.key.environmentId !== environmentId) {
      const generation = this.generation;
      const key = await this.repo.findByHash(environmentId, this.box.fingerprints(value, API_KEY_HASH_PURPOSE));
      if (!key) return { api_key: null };
      if (key.valueHash !== fp) this.rehash(key, fp);
      entry = { key, wire: toApiKeyWire(key), until: now + CACHE_TTL_MS };
      // A revocation notified while we read may have been about this very row: do not keep it.
      if (generation === this.generation && this.serving) this.store(fp, entry);
    }
    if (!isLive(entry.key, now)) return { api_key: null };
    this.recordUse(entry.key, now);
    return { api_key: entry.wire };
  }

  /** This replica reads its own revocation at once; the others on the NOTIFY. */
  forget(hash: string): void {
    this.generation++;
    this.cache.delete(hash);
    const alias = this.aliases.get(hash);
    if (alias !== undefined) {
      this.cache.delete(alias);
      this.aliases.delete(hash);
    }
  }

  private forgetAll(): void {
    this.generation++;
    this.cache.clear();
    this.aliases.clear();
  }

  private store(fp: string, entry: Cached): void {
    this.cache.delete(fp);
    this.cache.set(fp, entry);
    if (entry.key.valueHash !== fp) this.aliases.set(entry.key.valueHash, fp);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    if (this.aliases.size > MAX_CACHED) this.aliases.delete(this.aliases.keys().next().value!);
  }

  /**
   * A key fingerprinted under an older SecretBox key moves to the current one the first time it
   * is validated, so dropping the old key later does not invalidate it. Off the answer's path.
   */
  private rehash(key: ApiKey, fp: string): void {
    this.repo.rehash(key.environmentId, key.id, key.valueHash, fp).catch((err: Error) => this.log.warn({ err: err.message, api_key_id: key.id }, 'could not re-fingerprint an API key'));
  }

  private recordUse(key: ApiKey, now: number): void {
    if (this.pendingUses.size >= MAX_PENDING_USES && !this.pendingUses.has(key.id)) return;
    this.pendingUses.set(key.id, { environmentId: key.environmentId, at: new Date(now) });
  }

  /** Writes the collected uses in one statement; a failure keeps them for the next round (bounded). */
  async flushUses(): Promise<void> {
    if (this.pendingUses.size === 0) return;
    const batch = [...this.pendingUses];
    this.pendingUses.clear();
    try {
      await this.repo.touch(batch.map(([, u]) => u.environmentId), batch.map(([id]) => id), batch.map(([, u]) => u.at));
    } catch (err) {
      this.log.warn({ err: (err as Error).message, keys: batch.length }, 'could not record API key uses; retrying');
      for (const [id, u] of batch) if (!this.pendingUses.has(id) && this.pendingUses.size < MAX_PENDING_USES) this.pendingUses.set(id, u);
    }
  }
}
