import { Injectable } from '@nestjs/common';
import { TtlCache } from '@wos/platform';
import type { PortalSession } from '../generated/prisma/client';

/* Far more sessions than a replica serves at once; an entry is small (a name, an ID, SP URLs and certificates). */
const MAX_ENTRIES = 5_000;
/* Short: an organization renamed through the API shows on its portal pages within a minute. */
export const SESSION_CACHE_TTL_MS = 60_000;

/** The part of a session its cache entries are keyed by. */
export type SessionKey = Pick<PortalSession, 'environmentId' | 'organizationId' | 'tokenHash'>;

/**
 * What portal pages read from other services on every render and that does not change during a
 * portal session (the organization's name), or is keyed by what changes it (a connection's SP
 * details by its ID and updated_at), remembered per process for a short time.
 * Invariants: every key begins with the session's environment, organization and cookie hash, so an
 * entry is never served to another session, organization or environment; a failed or empty
 * answer is not remembered. Replicas need no coordination: one without the entry asks again.
 */
@Injectable()
export class PortalSessionCache {
  private readonly entries = new TtlCache<unknown>(MAX_ENTRIES);

  /** The remembered value of `what` for this session, if any. */
  get<T>(s: SessionKey, what: string): T | undefined {
    return this.entries.get(keyOf(s, what))?.value as T | undefined;
  }

  set(s: SessionKey, what: string, value: unknown): void {
    this.entries.set(keyOf(s, what), value, SESSION_CACHE_TTL_MS);
  }

  /** The remembered value, else `load`'s answer, remembered unless it is null or undefined. */
  async remember<T>(s: SessionKey, what: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(keyOf(s, what));
    if (hit) return hit.value as T;
    const value = await load();
    if (value !== null && value !== undefined) this.set(s, what, value);
    return value;
  }
}

/* NUL cannot occur in IDs or a hex hash, so two different tuples never make the same key. */
const keyOf = (s: SessionKey, what: string) => `${s.environmentId}\0${s.organizationId}\0${s.tokenHash}\0${what}`;
