import type { Logger } from 'pino';
import { PgNotificationListener } from './pg-listener';

export interface NotifiedCacheOptions<V> {
  databaseUrl: string;
  /** The channel the writers NOTIFY on; each payload is the key whose value changed. */
  channel: string;
  load: (key: string) => Promise<V>;
  maxEntries: number;
  /** Backstop: an entry is re-read at least this often, should a notification ever be missed. */
  ttlMs: number;
  log: Logger;
}

interface Entry<V> {
  value: Promise<V>;
  until: number;
}

/**
 * A per-process read cache kept coherent with Postgres by NOTIFY (payload = the changed key).
 * Invariants:
 * - Nothing is served from the cache until the LISTEN connection is up, nor while it is lost:
 *   every `get` then reads the database.
 * - An entry is stored BEFORE its read is sent, so a change committed after the read's snapshot
 *   notifies after the entry exists, and the notification drops it. Every (re)connection drops
 *   everything (notifications sent while the connection was down are lost).
 * - A failed read is not kept. At most `maxEntries` entries (the oldest goes first).
 * So a value is at most one notification delivery (milliseconds after the writer's commit) stale.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly listener: PgNotificationListener;
  private trusted = false;

  constructor(private readonly opts: NotifiedCacheOptions<V>) {
    this.listener = new PgNotificationListener(
      opts.databaseUrl,
      opts.channel,
      {
        onNotify: (key) => this.forget(key),
        onConnected: () => {
          this.entries.clear();
          this.trusted = true;
        },
        onLost: () => {
          this.trusted = false;
          this.entries.clear();
        },
      },
      opts.log,
    );
  }

  start(): void {
    this.listener.start();
  }

  async stop(): Promise<void> {
    this.trusted = false;
    this.entries.clear();
    await this.listener.stop();
  }

  get(key: string): Promise<V> {
    if (!this.trusted) return this.opts.load(key);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const entry: Entry<V> = { value: this.opts.load(key), until: now + this.opts.ttlMs };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** Drops one key (a notification, or this process's own change, which need not wait for it). */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
