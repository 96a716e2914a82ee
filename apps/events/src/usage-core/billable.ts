/*
 * Active SSO connections and directories, the other billing unit (no Nest, no I/O).
 * Rule: an entity counts in month M when it was active at any instant of M, i.e. when it was
 * active at M's first instant (its last transition up to then activated it: carried over months
 * without events) or when it was activated during M. A deactivation inside M does not undo M.
 */
import { monthRange } from './calendar';

export type BillableKind = 'sso_connection' | 'directory';

/** Event type → the billable kind it changes and whether the entity is active afterwards. */
export const BILLABLE_EVENTS = {
  'connection.activated': { kind: 'sso_connection', active: true },
  'connection.deactivated': { kind: 'sso_connection', active: false },
  'connection.deleted': { kind: 'sso_connection', active: false },
  'dsync.activated': { kind: 'directory', active: true },
  'dsync.deleted': { kind: 'directory', active: false },
} as const satisfies Record<string, { kind: BillableKind; active: boolean }>;

export interface Transition {
  /** The event that caused it; ties at one instant are ordered by it (event IDs are ULIDs). */
  eventId: string;
  kind: BillableKind;
  entityId: string;
  active: boolean;
  at: Date;
}

/** The transition an event records, or null when it is not one of BILLABLE_EVENTS. */
export function transitionOf(e: { id: string; event: string; data: unknown; createdAt: string }): Transition | null {
  if (!Object.hasOwn(BILLABLE_EVENTS, e.event)) return null;
  const { kind, active } = BILLABLE_EVENTS[e.event as keyof typeof BILLABLE_EVENTS];
  const entityId = (e.data as { id?: unknown } | null)?.id;
  const at = new Date(e.createdAt);
  if (typeof entityId !== 'string' || !entityId || entityId.length > 128 || Number.isNaN(at.getTime())) return null;
  return { eventId: e.id, kind, entityId, active, at };
}

const before = (a: Transition, b: Transition) => a.at.getTime() - b.at.getTime() || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/**
 * How many entities of each kind count in `month`, from every transition up to the month's end
 * (later ones are ignored, so the answer for a past month never changes). Order-independent:
 * transitions are sorted by time here, so events consumed out of order give the same count.
 */
export function activeInMonth(transitions: Transition[], month: string): Record<BillableKind, number> {
  const { start, end } = monthRange(month);
  const stateAtStart = new Map<string, boolean>();
  const counted = new Set<string>();
  for (const t of [...transitions].sort(before)) {
    if (t.at >= end) break;
    const key = `${t.kind}\n${t.entityId}`;
    // The state at the month's first instant includes what happened at that very instant.
    if (t.at <= start) stateAtStart.set(key, t.active);
    else if (t.active) counted.add(key);
  }
  for (const [key, active] of stateAtStart) if (active) counted.add(key);
  const out: Record<BillableKind, number> = { sso_connection: 0, directory: 0 };
  for (const key of counted) out[key.slice(0, key.indexOf('\n')) as BillableKind]++;
  return out;
}
