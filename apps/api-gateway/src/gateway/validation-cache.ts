import { hash } from 'node:crypto';
import { Counter } from 'prom-client';
import { registry } from '@wos/platform';

const answered = new Counter({
  name: 'gateway_validation_cache_hits_total',
  help: 'POST /api_keys/validations answered by the gateway from its short-lived cache, without identity',
  registers: [registry],
});

/** The one request this cache answers: the hot path of customers' API keys (identity's). */
export const isValidationRequest = (method: string, path: string): boolean => method === 'POST' && path === '/api_keys/validations';

interface Entry {
  body: Buffer;
  until: number;
}

/**
 * Positive answers of `POST /api_keys/validations`, kept at the edge for a moment so that a key
 * validated again and again is answered by the gateway alone, without the hop to identity.
 * Invariants:
 * - Only a 200 naming a key is kept. "No such key" is always asked, so a key created a moment
 *   ago validates at once.
 * - An entry answers only the environment that asked and the exact request bytes.
 * - An entry lives at most `ttlMs` (API_KEY_VALIDATION_CACHE_MS, under 1 s) and never past the
 *   key's `expires_at`: the TTL is how long a revocation made elsewhere (another gateway replica,
 *   an organization deleted, a membership ended) can take to reach this replica.
 * - A successful write of the environment through this gateway drops the environment's entries
 *   (changed()), and an answer whose request was in flight across any such write is not kept
 *   (the write counter), so a revocation made through this replica holds at the next validation.
 * - Bounded: at most `maxPerEnvironment` entries per environment (the oldest goes first) and
 *   about `maxEntries` in all (whole environments go, the oldest first).
 */
export class ValidationAnswerCache {
  private readonly environments = new Map<string, Map<string, Entry>>();
  /** Entries held across all environments (expired ones count until they are dropped). */
  private size = 0;
  private writes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 20_000,
    private readonly maxPerEnvironment = 10_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** Taken before the request is forwarded; offer() keeps the answer only if no write came between. */
  get writeCount(): number {
    return this.writes;
  }

  get(environmentId: string, requestBody: Buffer, now = Date.now()): Buffer | undefined {
    const entries = this.environments.get(environmentId);
    const key = digest(requestBody);
    const hit = entries?.get(key);
    if (!hit) return undefined;
    if (hit.until > now) {
      answered.inc();
      return hit.body;
    }
    entries!.delete(key);
    this.size--;
    return undefined;
  }

  offer(environmentId: string, requestBody: Buffer, writeCountBefore: number, status: number, responseBody: Buffer, now = Date.now()): void {
    if (!this.enabled || status !== 200 || writeCountBefore !== this.writes) return;
    const until = Math.min(now + this.ttlMs, expiryOf(responseBody));
    if (!(until > now)) return;
    let entries = this.environments.get(environmentId);
    if (!entries) {
      entries = new Map();
      this.environments.set(environmentId, entries);
    }
    const key = digest(requestBody);
    if (entries.delete(key)) this.size--;
    entries.set(key, { body: responseBody, until });
    this.size++;
    if (entries.size > this.maxPerEnvironment) {
      entries.delete(entries.keys().next().value!);
      this.size--;
    }
    // Over the bound, whole environments go, the least recently started first (never the one just written).
    for (const [oldest] of this.environments) {
      if (this.size <= this.maxEntries || oldest === environmentId) break;
      this.drop(oldest);
    }
  }

  /** A write of the environment succeeded through this gateway: its answers may be stale. */
  changed(environmentId: string): void {
    this.writes++;
    this.drop(environmentId);
  }

  private drop(environmentId: string): void {
    this.size -= this.environments.get(environmentId)?.size ?? 0;
    this.environments.delete(environmentId);
  }
}

function digest(body: Buffer): string {
  return hash('sha256', body, 'base64');
}

/** The answer's key expiry in ms: Infinity without one, NaN (never kept) when the answer names no key. */
function expiryOf(responseBody: Buffer): number {
  let parsed: { api_key?: { expires_at?: unknown } | null };
  try {
    parsed = JSON.parse(responseBody.toString('utf8')) as typeof parsed;
  } catch {
    return NaN;
  }
  const key = parsed?.api_key;
  if (!key || typeof key !== 'object') return NaN;
  if (key.expires_at === null || key.expires_at === undefined) return Infinity;
  return typeof key.expires_at === 'string' ? Date.parse(key.expires_at) : NaN;
}
