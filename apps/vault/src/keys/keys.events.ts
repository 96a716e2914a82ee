import { Topic } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import { actorFields, API_ACTOR } from '../vault-core/actor';
import { canonicalContext, contextOrganization, type KeyContext } from '../vault-core/key-context';
import type { ByokProvider } from './root-keys.service';

/* Keyed by the context's organization where it names one, so an organization's vault events stay in order. */

/**
 * A new KEK, or a new version of one (rotation): `key_name` is the canonical context, with
 * `@v<n>` appended for versions after the first. `key_id` is the KEK's ID, which rotation keeps.
 */
export function kekCreatedEvent(environmentId: string, kekId: string, context: KeyContext, version = 1): OutboxMessage {
  const keyName = version === 1 ? canonicalContext(context) : `${canonicalContext(context)}@v${version}`;
  return {
    topic: Topic.vault,
    key: contextOrganization(context) ?? kekId,
    event: buildEvent('vault.kek.created', { ...actorFields(API_ACTOR), key_name: keyName, key_id: kekId }, environmentId),
  };
}

export function dekReadEvent(environmentId: string, keyIds: string[], context: KeyContext): OutboxMessage {
  return {
    topic: Topic.vault,
    key: contextOrganization(context) ?? keyIds[0]!,
    event: buildEvent('vault.dek.read', { ...actorFields(API_ACTOR), key_ids: keyIds, key_context: context }, environmentId),
  };
}

export function dekDecryptedEvent(environmentId: string, keyId: string): OutboxMessage {
  return { topic: Topic.vault, key: keyId, event: buildEvent('vault.dek.decrypted', { ...actorFields(API_ACTOR), key_id: keyId }, environmentId) };
}

/** Where an organization's own key's events go: keyed by the organization, in order with its data events. */
export function byokVerifiedEvent(environmentId: string, k: { organizationId: string; keyProvider: ByokProvider; id: string | null }, verified: boolean): OutboxMessage {
  return {
    topic: Topic.vault,
    key: k.organizationId,
    event: buildEvent('vault.byok_key.verification_completed', { organization_id: k.organizationId, key_provider: k.keyProvider, verified, byok_key_id: k.id }, environmentId),
  };
}

export function byokDeletedEvent(environmentId: string, k: { organizationId: string; keyProvider: ByokProvider; id: string }): OutboxMessage {
  return {
    topic: Topic.vault,
    key: k.organizationId,
    event: buildEvent('vault.byok_key.deleted', { organization_id: k.organizationId, key_provider: k.keyProvider, byok_key_id: k.id }, environmentId),
  };
}

export function kekRekeyedEvent(environmentId: string, kekId: string, context: KeyContext, version: number, counts: { rewrapped: number; unreadable: number }): OutboxMessage {
  return {
    topic: Topic.vault,
    key: contextOrganization(context) ?? kekId,
    event: buildEvent('vault.kek.rekeyed', { key_id: kekId, version, data_keys_rewrapped: counts.rewrapped, data_keys_unreadable: counts.unreadable }, environmentId),
  };
}
