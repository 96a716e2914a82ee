/**
 * Per-environment values cached for `ttlMs`. This process drops an environment's value the moment
 * it changes it (`invalidate`); other replicas see a change within `ttlMs`. Concurrent misses
 * share one load.
 */
export class EnvCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(private readonly ttlMs: number, private readonly load: (environmentId: string) => Promise<T>, private readonly maxEntries = 10_000) {}

  get(environmentId: string, now = Date.now()): Promise<T> {
    const hit = this.entries.get(environmentId);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = this.load(environmentId);
    this.entries.set(environmentId, { at: now, value });
    value.catch(() => this.entries.delete(environmentId));
    return value;
  }

  invalidate(environmentId: string): void {
    this.entries.delete(environmentId);
  }
}
