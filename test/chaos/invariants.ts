import type { Event, EventName, WorkOS } from '@workos-inc/node';
import type { Client } from 'pg';
import { duplicates, listAllEvents } from '../support/e2e-stack';
import type { ReceivedDelivery, WebhookReceiver } from '../support/webhook-receiver';
import type { HttpRecord, Write } from './workload';

/** The event types the workload's writes produce, all of them subscribed by the chaos webhook endpoint. */
export const WORKLOAD_EVENTS: EventName[] = ['organization.created', 'organization.updated', 'user.created', 'dsync.user.created'];

export interface Verdict {
  pass: boolean;
  detail: string;
}

const ok = (detail = ''): Verdict => ({ pass: true, detail });
const fail = (detail: string): Verdict => ({ pass: false, detail });

/** The write an event is the effect of, in Write.key terms. */
export function eventKey(e: Event): string {
  const d = e.data as unknown as { id: string; name?: string };
  return e.event.startsWith('organization.') ? d.name! : d.id;
}

/** Writes whose effect leaves an event in /events. */
const eventful = (w: Write) => (WORKLOAD_EVENTS as string[]).includes(w.kind);

/** Every acknowledged write that leaves an event has it stored (the condition recovery waits for). */
export function allEventsStored(events: Event[], writes: Write[]): boolean {
  const keys = new Set(events.map(eventKey));
  return writes.filter((w) => w.acked && eventful(w)).every((w) => keys.has(w.key));
}

/**
 * Every acknowledged write is readable through the API (audit-log events, which have no read API,
 * from audit-logs' database): organizations, users, directory users, SSO connections,
 * authorization permissions, radar attempts, and vault objects with the value written. Sign-ins
 * and reads of the read-only services (`service_read`) leave nothing to read back.
 */
export async function ackedWritesReadable(workos: WorkOS, auditDb: Client, environmentId: string, writes: Write[]): Promise<Verdict> {
  const missing: string[] = [];
  const acked = writes.filter((w) => w.acked);
  for (const w of acked) {
    try {
      if (w.kind === 'organization.created' || w.kind === 'organization.updated') await workos.organizations.getOrganization(w.entityId!);
      else if (w.kind === 'user.created') await workos.userManagement.getUser(w.entityId!);
      else if (w.kind === 'dsync.user.created') await workos.directorySync.getUser(w.entityId!);
      else if (w.kind === 'sso_connection') await workos.sso.getConnection(w.entityId!);
      else if (w.kind === 'permission') await workos.authorization.getPermission(w.entityId!);
      else if (w.kind === 'radar_attempt') await workos.get(`/radar/attempts/${encodeURIComponent(w.entityId!)}`);
      else if (w.kind === 'vault_object') {
        const object = await workos.vault.readObject({ id: w.entityId! });
        if (object.value !== w.expected) throw new Error(`reads back ${JSON.stringify(object.value)}`);
      }
    } catch (err) {
      missing.push(`${w.kind} ${w.key}: ${(err as Error).message}`);
    }
  }
  const actors = acked.filter((w) => w.kind === 'audit_log_event').map((w) => w.key);
  const rows = (await auditDb.query<{ actor: string; n: string }>(`SELECT actor->>'id' AS actor, count(*) AS n FROM audit_log_events WHERE environment_id = $1 AND actor->>'id' = ANY($2) GROUP BY 1`, [environmentId, actors])).rows;
  const stored = new Map(rows.map((r) => [r.actor, Number(r.n)]));
  for (const a of actors) if (stored.get(a) !== 1) missing.push(`audit-log event of ${a} stored ${stored.get(a) ?? 0} times`);
  return missing.length ? fail(`${missing.length} of ${acked.length} unreadable: ${missing.slice(0, 3).join('; ')}`) : ok(`${acked.length} writes`);
}

/**
 * /events holds each acknowledged write's event exactly once, an ambiguous write's at most once,
 * no event ID twice, and each organization's events in the order one sequential client made
 * them (`sequences`: each list is one client's writes in call order).
 */
export function eventsExactlyOnceInOrder(events: Event[], sequences: Write[][]): Verdict {
  const problems: string[] = [];
  const dupIds = duplicates(events.map((e) => e.id));
  if (dupIds.length) problems.push(`event IDs stored twice: ${dupIds.slice(0, 3).join(', ')}`);
  const position = new Map<string, number[]>();
  events.forEach((e, i) => position.set(eventKey(e), [...(position.get(eventKey(e)) ?? []), i]));
  const ours = new Set(sequences.flat().map((w) => w.key));
  for (const [key, at] of position) if (ours.has(key) && at.length > 1) problems.push(`${key} has ${at.length} events`);
  for (const w of sequences.flat()) if (w.acked && eventful(w) && !position.has(w.key)) problems.push(`no event for acked ${w.kind} ${w.key}`);
  for (const seq of sequences) {
    const last = new Map<string, { at: number; key: string }>();
    for (const w of seq.filter((x) => x.acked && eventful(x) && x.organizationId)) {
      const at = position.get(w.key)?.[0];
      if (at === undefined) continue;
      const prev = last.get(w.organizationId!);
      if (prev && prev.at > at) problems.push(`${w.organizationId}: ${w.key} stored before ${prev.key}`);
      last.set(w.organizationId!, { at, key: w.key });
    }
  }
  return problems.length ? fail(problems.slice(0, 4).join('; ')) : ok(`${events.length} events`);
}

/**
 * The duplicates the dispatcher's design allows (docs/ARCHITECTURE.md, webhook guarantees): a
 * delivery the receiver answered while the dispatcher could not record the answer is sent once
 * more. These are the events whose first 2xx arrived between `from` and `to` and that arrived
 * exactly twice; anything else delivered twice stays a failure.
 */
export function resentBetween(delivered: ReceivedDelivery[], from: number, to: number): string[] {
  const byEvent = new Map<string, ReceivedDelivery[]>();
  for (const d of delivered) byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
  return [...byEvent]
    .filter(([, ds]) => ds.length === 2 && Math.min(...ds.map((d) => d.at)) >= from && Math.min(...ds.map((d) => d.at)) <= to)
    .map(([id]) => id);
}

/**
 * A kill -9 between the receiver's 2xx and the record: the first 2xx in the `windowMs` before the
 * kill at `killedAt`, or in the `afterMs` after it. The receiver runs in the test's process and
 * stamps a request when its handler runs, so a delivery the dispatcher sent before it died can be
 * stamped just after the kill (a CI run saw one); no dispatcher runs again until the restart.
 */
export function resentAfterKill(delivered: ReceivedDelivery[], killedAt: number, windowMs = 2000, afterMs = 1000): string[] {
  return resentBetween(delivered, killedAt - windowMs, killedAt + afterMs);
}

/**
 * Every stored event of the subscribed types reached the receiver with a 2xx exactly once
 * (by event ID), each such delivery verifies with the SDK, and nothing unknown was delivered.
 * `resent` (resentAfterKill) may have arrived twice.
 */
export function webhooksExactlyOnce(workos: WorkOS, events: Event[], receiver: WebhookReceiver, path: string, secret: string, resent: ReadonlySet<string> = new Set()): Promise<Verdict> {
  return (async () => {
    const delivered = receiver.on2xx(path);
    const count = new Map<string, number>();
    for (const d of delivered) count.set(d.eventId, (count.get(d.eventId) ?? 0) + 1);
    const problems: string[] = [];
    const missing = events.filter((e) => !count.has(e.id));
    if (missing.length) problems.push(`${missing.length} never delivered (${missing[0]!.id})`);
    const twice = [...count].filter(([id, n]) => n > 1 && !(n === 2 && resent.has(id)));
    if (twice.length) problems.push(`${twice.length} delivered more than once (${twice[0]![0]})`);
    const stored = new Set(events.map((e) => e.id));
    const unknown = [...count.keys()].filter((id) => !stored.has(id));
    if (unknown.length) problems.push(`${unknown.length} delivered but not in /events (${unknown[0]})`);
    let badSignatures = 0;
    for (const d of delivered) {
      try {
        // Verified as the receiver would have on arrival: the SDK's default 180 s tolerance, counted from then.
        await workos.webhooks.constructEvent({ payload: d.body as never, sigHeader: d.signature, secret, tolerance: Date.now() - d.at + 180_000 });
      } catch {
        badSignatures++;
      }
    }
    if (badSignatures) problems.push(`${badSignatures} signatures do not verify`);
    const allowed = [...count].filter(([id, n]) => n === 2 && resent.has(id)).length;
    return problems.length ? fail(problems.join('; ')) : ok(`${delivered.length} deliveries${allowed ? ` (${allowed} re-sent once after a kill -9 mid-delivery)` : ''}`);
  })();
}

/** No failed exchange (5xx or no answer) outside every fault's window [start, recovered]. */
export function no5xxOutsideWindows(records: HttpRecord[], windows: { start: number; end: number }[], from: number): Verdict {
  const stray = records.filter((r) => r.at >= from && (r.status === 0 || r.status >= 500) && !windows.some((w) => r.at >= w.start && r.at <= w.end));
  if (!stray.length) return ok();
  const first = stray[0]!;
  return fail(`${stray.length} outside the window, first ${new Date(first.at).toISOString()} ${first.method} ${first.path} ${first.status || first.error}`);
}

export { listAllEvents };
