import { Counter } from 'prom-client';
import { NotifiedCache, registry, type Logger } from '@wos/platform';
import type { StoredObject } from './objects.dto';

/* The channel the migration's triggers NOTIFY on (20261212120000_notify_vault_objects). */
export const OBJECT_CACHE_CHANNEL = 'vault_objects';
const MAX_ENTRIES = 10_000;
/* Bytes of stored blobs (ciphertexts and data-key blobs) held at most, oldest dropped first. */
const MAX_BYTES = 64 * 1024 * 1024;
/* What a row costs beyond its two blobs (strings, the key context, the entry), roughly. */
const ROW_OVERHEAD_BYTES = 512;
/* Backstop should a notification ever be missed; every write notifies. */
const TTL_MS = 60_000;

const lookups = new Counter({ name: 'vault_object_lookups_total', help: 'KV reads by ID, by where the row came from (cache, database)', labelNames: ['source'], registers: [registry] });

/** The cache key of an object; the triggers build the same string. */
export const objectCacheKey = (environmentId: string, id: string) => `${environmentId} ${id}`;

/**
 * A per-process cache of the KV read's row by ID (the object, its current version's data-key blob
 * and ciphertext), kept coherent by NOTIFY (NotifiedCache). Invariants:
 * - it holds what the database holds: sealed values and wrapped data keys, never a plaintext or
 *   an unwrapped key; every read still opens the data key through the KEK cache, so a shredded or
 *   revoked KEK refuses a cached row exactly as a fresh one;
 * - every insert, update and delete of vault_objects, and every update and delete of
 *   vault_object_versions (the rekey job rewraps data keys in place), NOTIFYs the object's key
 *   from a trigger, whoever writes; each notification drops it, milliseconds after the commit;
 * - this process's own writes drop the key at once (`changed`), so its next read sees them;
 * - without a LISTEN connection nothing is answered from memory.
 * So a cached row is never staler than one notification delivery, on any replica.
 */
export class ObjectCache {
  private readonly cache: NotifiedCache<StoredObject | null>;

  constructor(databaseUrl: string, load: (environmentId: string, id: string) => Promise<StoredObject | null>, log: Logger) {
    this.cache = new NotifiedCache({
      databaseUrl,
      channel: OBJECT_CACHE_CHANNEL,
      load: (key) => {
        const at = key.indexOf(' ');
        return load(key.slice(0, at), key.slice(at + 1));
      },
      maxEntries: MAX_ENTRIES,
      weigh: (o) => (o ? o.ciphertext.length + o.encryptedKeys.length : 0) + ROW_OVERHEAD_BYTES,
      maxWeight: MAX_BYTES,
      ttlMs: TTL_MS,
      log: log.child({ context: ObjectCache.name }),
      lookups,
    });
  }

  start(): void {
    this.cache.start();
  }

  stop(): Promise<void> {
    return this.cache.stop();
  }

  /** True while rows may come from memory (the LISTEN connection is up). */
  get serving(): boolean {
    return this.cache.serving;
  }

  /** The object's row; callers must not modify it (it is shared with the other reads). */
  get(environmentId: string, id: string): Promise<StoredObject | null> {
    return this.cache.get(objectCacheKey(environmentId, id));
  }

  /** This process changed the object (its own write need not wait for the notification). */
  changed(environmentId: string, id: string): void {
    this.cache.forget(objectCacheKey(environmentId, id));
  }
}
