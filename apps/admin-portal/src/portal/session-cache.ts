import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import type { PortalSession } from '../generated/prisma/client';

/* Far more sessions than a replica serves at once. */
const MAX_SESSIONS = 2_000;
/* A session holds a few page reads, its organization's name and a few hints: far fewer than this. */
const MAX_ENTRIES_PER_SESSION = 16;
/* Short: an organization renamed through the API shows on its portal pages within a minute. */
export const SESSION_CACHE_TTL_MS = 60_000;

/** The part of a session its cache entries are keyed by: which session, and how many writes it has made. */
export type SessionKey = Pick<PortalSession, 'environmentId' | 'organizationId' | 'tokenHash' | 'writes'>;

interface Entry {
  value: unknown;
  expiresAt: number;
}
/* One session's entries. A dropped session's map is replaced, never emptied in place: a load that began before the drop still holds the old map and so cannot store into the new one. */
type Bucket = Map<string, Entry>;

/**
 * What portal pages read from other services, remembered per process and per portal session:
 * - `remember`: what seldom changes during a session (the organization's name, the environment's
 *   branding), for SESSION_CACHE_TTL_MS;
 * - `read`: a GET page's whole upstream answers, for PORTAL_READ_CACHE_MS (0: never kept), so a
 *   warm render calls no other service.
 * Invariants:
 * - every entry lives under its session's environment, organization and cookie hash, so it is
 *   never served to another session, organization or environment, and under the session's count
 *   of writes as its row had it (PortalSession.writes), so nothing read before a write is served
 *   after it: on the replica that took the write at once, on the others as soon as the row's
 *   notification reaches their session-row cache (LinksRepository);
 * - an error (a rejected load) and an empty answer (null, undefined, an empty list, or what the
 *   caller's `keep` refuses) are never kept: the next render asks again;
 * - after each of the session's writes (PortalPagesService.submit, the SSO test callback)
 *   LinksService.sessionWritten counts it on the row and runs `dropSession` here, so the render
 *   that follows a write reads afresh on every replica; a load that was in flight across a drop
 *   is returned to its caller but not kept;
 * - what changes outside the portal (the public API, SCIM traffic) shows within
 *   PORTAL_READ_CACHE_MS (sooner on the replica that consumes the organization's event);
 * - bounded: MAX_SESSIONS sessions (the oldest dropped first), MAX_ENTRIES_PER_SESSION each.
 * Replicas share nothing but the session's row: one without the entry asks again.
 */
@Injectable()
export class PortalSessionCache {
  private readonly sessions = new Map<string, Bucket>();
  private readonly readTtlMs: number;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'PORTAL_READ_CACHE_MS'>) {
    this.readTtlMs = config.PORTAL_READ_CACHE_MS;
  }

  /** The remembered value of `what` for this session, if any. */
  get<T>(s: SessionKey, what: string, now = Date.now()): T | undefined {
    return this.entry(s, what, now)?.value as T | undefined;
  }

  set(s: SessionKey, what: string, value: unknown, ttlMs = SESSION_CACHE_TTL_MS, now = Date.now()): void {
    put(this.bucket(sessionKeyOf(s)), what, value, ttlMs, now);
  }

  /** The remembered value, else `load`'s answer, remembered for the session unless it is empty. */
  remember<T>(s: SessionKey, what: string, load: () => Promise<T>): Promise<T> {
    return this.through(s, what, SESSION_CACHE_TTL_MS, load, isAnswer);
  }

  /** A page's read: the kept answer while fresh (PORTAL_READ_CACHE_MS), else `load`'s, kept when `keep` accepts it. */
  read<T>(s: SessionKey, what: string, load: () => Promise<T>, keep: (value: T) => boolean = isAnswer): Promise<T> {
    return this.through(s, what, this.readTtlMs, load, (v) => isAnswer(v) && keep(v));
  }

  /** Forgets everything remembered for this session (after one of its writes). */
  dropSession(s: SessionKey): void {
    this.sessions.delete(sessionKeyOf(s));
  }

  /** Forgets everything remembered for every session of the organization (it changed outside the portal). */
  dropOrganization(environmentId: string, organizationId: string): void {
    const prefix = `${environmentId}\0${organizationId}\0`;
    for (const key of [...this.sessions.keys()]) if (key.startsWith(prefix)) this.sessions.delete(key);
  }

  private async through<T>(s: SessionKey, what: string, ttlMs: number, load: () => Promise<T>, keep: (value: T) => boolean): Promise<T> {
    const hit = this.entry(s, what, Date.now());
    if (hit) return hit.value as T;
    const key = sessionKeyOf(s);
    const bucket = this.bucket(key);
    const value = await load();
    // Kept only in the bucket that was current when the load began (see Bucket).
    if (ttlMs > 0 && keep(value) && this.sessions.get(key) === bucket) put(bucket, what, value, ttlMs, Date.now());
    return value;
  }

  private entry(s: SessionKey, what: string, now: number): Entry | undefined {
    const bucket = this.sessions.get(sessionKeyOf(s));
    const e = bucket?.get(what);
    if (!e) return undefined;
    if (e.expiresAt > now) return e;
    bucket!.delete(what);
    return undefined;
  }

  private bucket(key: string): Bucket {
    let b = this.sessions.get(key);
    if (b) return b;
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    this.sessions.set(key, (b = new Map()));
    return b;
  }
}

function put(bucket: Bucket, what: string, value: unknown, ttlMs: number, now: number): void {
  if (ttlMs <= 0) return;
  bucket.delete(what);
  if (bucket.size >= MAX_ENTRIES_PER_SESSION) for (const [k, e] of bucket) if (e.expiresAt <= now) bucket.delete(k);
  while (bucket.size >= MAX_ENTRIES_PER_SESSION) bucket.delete(bucket.keys().next().value as string);
  bucket.set(what, { value, expiresAt: now + ttlMs });
}

/** An answer worth keeping: not null or undefined, not an empty list. */
const isAnswer = (v: unknown): boolean => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);

/* NUL cannot occur in IDs, a hex hash or a number, so two different tuples never make the same key. */
const sessionKeyOf = (s: SessionKey) => `${s.environmentId}\0${s.organizationId}\0${s.tokenHash}\0${s.writes}`;
