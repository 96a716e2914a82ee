import { Topic, type UserWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* User events are keyed by the user ID, so one user's events stay in order. */
export function userEvent(type: 'user.created' | 'user.updated' | 'user.deleted', user: UserWire, environmentId: string): OutboxMessage {
  return { topic: Topic.identity, key: user.id, event: buildEvent(type, user, environmentId) };
}
