import { toPublicEvent, type EventEnvelope } from '@wos/contracts';
import type { NewEvent } from './events.repository';

/** The organization an event is about, for `GET /events?organization_id=`. */
export function organizationIdOf(e: Pick<EventEnvelope, 'event' | 'data'>): string | null {
  const d = e.data;
  if (typeof d.organization_id === 'string') return d.organization_id;
  if (e.event.startsWith('organization.') && typeof d.id === 'string') return d.id;
  // Events whose subject is nested: organization_domain.verification_failed, dsync.group.user_added
  // and user_removed (the group's organization), authentication.sso_* (the SSO context's).
  for (const key of ['organization_domain', 'group', 'sso']) {
    const nested = d[key] as Record<string, unknown> | null | undefined;
    if (nested && typeof nested === 'object' && typeof nested.organization_id === 'string') return nested.organization_id;
  }
  return null;
}

/* Postgres text and jsonb refuse NUL and lone UTF-16 surrogates. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function storable(value: unknown): boolean {
  let ok = true;
  JSON.stringify(value, (key, v: unknown) => {
    if (UNSTORABLE.test(key) || (typeof v === 'string' && UNSTORABLE.test(v))) ok = false;
    return v;
  });
  return ok;
}

/** The row for an envelope, or undefined for one Postgres could never store (it would block its partition forever). */
export function toNewEvent(e: EventEnvelope): NewEvent | undefined {
  const created = new Date(e.created_at);
  const payload = toPublicEvent(e);
  if (Number.isNaN(created.getTime()) || !storable(e)) return undefined;
  return { id: e.id, environmentId: e.environment_id, event: e.event, organizationId: organizationIdOf(e), payload, createdAt: created.toISOString() };
}
