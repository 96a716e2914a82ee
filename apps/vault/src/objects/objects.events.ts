import { Topic } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import { actorFields, type VaultActor } from '../vault-core/actor';
import { contextOrganization } from '../vault-core/key-context';
import type { StoredObject } from './objects.dto';

/*
 * vault.data.* and vault.metadata.read (WORKOS_API.md §22). Invariant: names, key IDs and contexts
 * only, never a value or a key. Keyed by the context's organization where there is one, else by
 * the object, so an organization's (or an object's) events stay in order.
 */
/** What an event says about an object. */
type Subject = Pick<StoredObject, 'id' | 'environmentId' | 'name' | 'keyContext' | 'kekId'>;

const keyOf = (o: Subject) => contextOrganization(o.keyContext) ?? o.id;

export function dataWrittenEvent(change: 'created' | 'updated', o: Subject, actor: VaultActor): OutboxMessage {
  return {
    topic: Topic.vault,
    key: keyOf(o),
    event: buildEvent(`vault.data.${change}`, { ...actorFields(actor), kv_name: o.name, key_id: o.kekId, key_context: o.keyContext }, o.environmentId),
  };
}

/** Who read a value, as the gateway saw them (the audit-log record of the read needs it). */
export interface Reader {
  ipAddress: string | null;
  userAgent: string | null;
}

export function dataReadEvent(o: Subject, actor: VaultActor, reader: Reader): OutboxMessage {
  return {
    topic: Topic.vault,
    key: keyOf(o),
    event: buildEvent(
      'vault.data.read',
      { ...actorFields(actor), kv_name: o.name, key_id: o.kekId, key_context: o.keyContext, ip_address: reader.ipAddress, user_agent: reader.userAgent },
      o.environmentId,
    ),
  };
}

export function namedEvent(type: 'vault.data.deleted' | 'vault.metadata.read', o: Subject, actor: VaultActor): OutboxMessage {
  return { topic: Topic.vault, key: keyOf(o), event: buildEvent(type, { ...actorFields(actor), kv_name: o.name }, o.environmentId) };
}

export function namesListedEvent(environmentId: string, actor: VaultActor): OutboxMessage {
  return { topic: Topic.vault, key: environmentId, event: buildEvent('vault.names.listed', actorFields(actor), environmentId) };
}
