import { Topic, type ApiKeyWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/** `api_key.*` on the identity topic, keyed by the owning organization (its keys' events stay in order). The payload never has the value. */
export function apiKeyEvent(type: 'api_key.created' | 'api_key.revoked' | 'api_key.updated', key: ApiKeyWire, environmentId: string): OutboxMessage {
  const organizationId = key.owner.type === 'user' ? key.owner.organization_id : key.owner.id;
  return { topic: Topic.identity, key: organizationId, event: buildEvent(type, key, environmentId) };
}
