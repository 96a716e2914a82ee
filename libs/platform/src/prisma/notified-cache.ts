import type { Logger } from 'pino';
import { PgNotificationListener } from './pg-listener';

export interface NotifiedCacheOptions<V> {
  databaseUrl: string;
  /**
   * The channel the writers NOTIFY on; each payload is the key whose value changed, or one of
   * the scopes `scopesOf` gives keys (then every key in that scope is dropped).
   */
  channel: string;
  /**
   * The scopes a key belongs to (for example its environment, and its owner within it): a writer
   * that cannot name every key its change affects notifies a scope instead.
   */
  scopesOf?: (key: string) => string[];
  load: (key: string) => Promise<V>;
  maxEntries: number;
  /**
   * With `maxWeight`: the size of a loaded value (for example its rows). Entries are dropped,
   * oldest first, while the loaded values' weights add up to more than `maxWeight`.
   */
  weigh?: (value: V) => number;
  maxWeight?: number;
  /** Backstop: an entry is re-read at least this often, should a notification ever be missed. */
  ttlMs: number;
  log: Logger;
  /** Counts each `get` by where its value came from (a prom-client Counter labelled `source`). */
  lookups?: { inc(labels: { source: 'cache' | 'database' }): void };
}

interface Entry<V> {
  value: Promise<V>;
  until: number;
  scopes: string[];
  /* Counted in `weight` once the value has loaded (with weigh). */
  weight: number;
}

/**
 * A per-process read cache kept coherent with Postgres by NOTIFY (payload = the changed key).
 * Invariants:
 * - Nothing is served from the cache until the LISTEN connection is up, nor while it is lost:
 *   every `get` then reads the database.
 * - An entry is stored BEFORE its read is sent, so a change committed after the read's snapshot
 *   notifies after the entry exists, and the notification drops it. Every (re)connection drops
 *   everything (notifications sent while the connection was down are lost).
 * - A failed read is not kept. At most `maxEntries` entries, and with `weigh` at most
 *   `maxWeight` of loaded weight (the oldest goes first).
 * - A notification names a key or a scope; a scope drops every entry whose `scopesOf` holds it
 *   (the scope index holds exactly the stored entries' keys).
 * So a value is at most one notification delivery (milliseconds after the writer's commit) stale.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /* scope -> the stored keys in it (only with scopesOf). */
  private readonly scopes = new Map<string, Set<string>>();
  private readonly listener: PgNotificationListener;
  /* The sum of the stored entries' weights. */
  private weight = 0;

  constructor(private readonly opts: NotifiedCacheOptions<V>) {
    this.listener = new PgNotificationListener(
      opts.databaseUrl,
      opts.channel,
      {
        onNotify: (keyOrScope) => {
          this.forget(keyOrScope);
          this.forgetScope(keyOrScope);
        },
        onConnected: () => this.clear(),
        onLost: () => this.clear(),
      },
      opts.log,
    );
  }

  start(): void {
    this.listener.start();
  }

  async stop(): Promise<void> {
    const stopped = this.listener.stop(); // no longer connected from here on
    this.clear();
    await stopped;
  }

  /** True while values may come from memory (the LISTEN connection is up). */
  get serving(): boolean {
    return this.listener.connected;
  }

  /**
   * Resolves once every NOTIFY committed before the call has been applied. A writer awaits it
   * after its commit, so that its own next read on this process cannot see the value it changed.
   */
  fence(): Promise<void> {
    return this.listener.sync();
  }

  /** Whether `get(key)` would be answered from memory now (a stored, unexpired entry). */
  has(key: string): boolean {
    return this.serving && (this.entries.get(key)?.until ?? 0) > Date.now();
  }

  get(key: string): Promise<V> {
    if (!this.serving) return this.loadCounted(key);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) {
      this.opts.lookups?.inc({ source: 'cache' });
      return hit.value;
    }
    const entry: Entry<V> = { value: this.loadCounted(key), until: now + this.opts.ttlMs, scopes: this.opts.scopesOf?.(key) ?? [], weight: 0 };
    this.forget(key);
    this.entries.set(key, entry);
    for (const scope of entry.scopes) {
      let keys = this.scopes.get(scope);
      if (!keys) this.scopes.set(scope, (keys = new Set()));
      keys.add(key);
    }
    if (this.entries.size > this.opts.maxEntries) this.forget(this.entries.keys().next().value!);
    entry.value.then(
      (value) => {
        if (this.entries.get(key) !== entry || !this.opts.weigh) return;
        entry.weight = this.opts.weigh(value);
        this.weight += entry.weight;
        while (this.weight > (this.opts.maxWeight ?? Infinity) && this.entries.size > 0) this.forget(this.entries.keys().next().value!);
      },
      () => {
        if (this.entries.get(key) === entry) this.forget(key);
      },
    );
    return entry.value;
  }

  private loadCounted(key: string): Promise<V> {
    this.opts.lookups?.inc({ source: 'database' });
    return this.opts.load(key);
  }

  /** Drops one key (a notification, or this process's own change, which need not wait for it). */
  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
    for (const scope of entry.scopes) {
      const keys = this.scopes.get(scope);
      keys?.delete(key);
      if (keys?.size === 0) this.scopes.delete(scope);
    }
  }

  /** Drops every key in `scope` (see scopesOf). */
  forgetScope(scope: string): void {
    const keys = this.scopes.get(scope);
    if (!keys) return;
    for (const key of [...keys]) this.forget(key);
  }

  private clear(): void {
    this.entries.clear();
    this.weight = 0;
    this.scopes.clear();
  }
}
