/**
 * A size-bounded map whose entries expire (per process: the gateway's credential lookups, the
 * Admin Portal's per-session answers). When full, the oldest insertion is evicted (FIFO):
 * entries live at most one TTL anyway, so recency tracking would cost more than it saves.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  /** The entry when present and fresh; `{ value }` so that a cached `null` is a hit. */
  get(key: string, now = Date.now()): { value: V } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, value: V, ttlMs: number, now = Date.now()): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: now + ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
