import { hash } from 'node:crypto';

/** A key context: string keys to string values, e.g. `{ organization_id: "org_…" }`. */
export type KeyContext = Record<string, string>;

export const MAX_CONTEXT_ENTRIES = 16;
export const MAX_CONTEXT_PART = 256;

/**
 * The canonical form of a context: its entries sorted by key, as JSON. Invariant: two contexts
 * with the same entries select the same KEK whatever order the client sent them in, so this
 * form (and its hash, the KEK's lookup key) must never change for stored KEKs.
 */
export function canonicalContext(context: KeyContext): string {
  return JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k]]));
}

export function contextHash(context: KeyContext): string {
  return hash('sha256', canonicalContext(context), 'hex');
}

/** The organization a context belongs to, when it names one: the Kafka key of its events. */
export function contextOrganization(context: KeyContext): string | undefined {
  return context.organization_id;
}
