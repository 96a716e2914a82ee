import { Topic } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import type { ConnectApplication, ConnectClientSecret } from '../generated/prisma/client';
import { toApplicationWire, toSecretWire } from './applications.dto';

/* Keyed by the application, so one application's events (and its secrets') stay in order. */
export function applicationEvent(change: 'created' | 'updated' | 'deleted', a: ConnectApplication, environmentId: string): OutboxMessage {
  return { topic: Topic.identity, key: a.id, event: buildEvent(`connect_application.${change}`, toApplicationWire(a), environmentId) };
}

export function secretEvent(change: 'created' | 'deleted', s: ConnectClientSecret, environmentId: string): OutboxMessage {
  return {
    topic: Topic.identity,
    key: s.applicationId,
    event: buildEvent(`connect_application_secret.${change}`, { ...toSecretWire(s), application_id: s.applicationId }, environmentId),
  };
}
