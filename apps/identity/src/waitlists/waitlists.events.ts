import { Topic, type WaitlistEntryWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/** `waitlist_user.*` on the identity topic, keyed by the entry (its events stay in order); no additional fields. */
export function waitlistUserEvent(type: 'waitlist_user.created' | 'waitlist_user.approved' | 'waitlist_user.denied', entry: WaitlistEntryWire, environmentId: string): OutboxMessage {
  const { additional_fields: _fields, object: _object, ...data } = entry;
  return { topic: Topic.identity, key: entry.id, event: buildEvent(type, { object: 'waitlist_user', ...data }, environmentId) };
}
