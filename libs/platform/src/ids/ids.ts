import { monotonicFactory } from 'ulid';
import type { IdPrefix } from '@wos/contracts';

/* Monotonic within this process, so IDs made in one millisecond still sort in creation order. */
const ulid = monotonicFactory();

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

export function newUlid(): string {
  return ulid();
}
