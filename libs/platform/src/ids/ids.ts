import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { IdPrefix } from '@wos/contracts';

/*
 * ulid's default source makes one crypto call per character (~100 µs per fresh ULID, paid on
 * almost every request). This one draws from a pooled buffer of cryptographically random
 * bytes, refilled 4 KiB at a time.
 */
let pool = randomBytes(4096);
let offset = 0;
function pooledRandom(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++]! / 256;
}

/* Monotonic within this process, so IDs made in one millisecond still sort in creation order. */
const ulid = monotonicFactory(pooledRandom);

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

export function newUlid(): string {
  return ulid();
}
