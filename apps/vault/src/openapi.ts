import { buildOpenApi } from '@wos/platform';
import { createDataKeySchema, dataKeyPairSchema, decryptDataKeySchema, decryptedDataKeySchema, rekeySchema, rotatedKekSchema, rotateKekSchema } from './keys/data-keys.dto';
import { byokKeyListSchema, byokKeySchema, registerByokKeySchema } from './keys/byok.dto';
import {
  createObjectSchema,
  objectMetadataSchema,
  objectSummaryListSchema,
  objectVersionListSchema,
  objectWithoutValueSchema,
  updateObjectSchema,
  vaultObjectSchema,
} from './objects/objects.dto';

export function vaultOpenApi(): Record<string, unknown> {
  return buildOpenApi('Vault', [
    { method: 'post', path: '/vault/v1/kv', summary: 'Create an encrypted object', body: createObjectSchema, response: objectMetadataSchema, status: 201 },
    { method: 'get', path: '/vault/v1/kv', summary: 'List objects', response: objectSummaryListSchema },
    { method: 'get', path: '/vault/v1/kv/name/:name', summary: 'Read an object by name', response: vaultObjectSchema },
    { method: 'get', path: '/vault/v1/kv/:id', summary: 'Read an object', response: vaultObjectSchema },
    { method: 'get', path: '/vault/v1/kv/:id/metadata', summary: 'Describe an object (no value)', response: objectWithoutValueSchema },
    { method: 'get', path: '/vault/v1/kv/:id/versions', summary: 'List the versions of an object', response: objectVersionListSchema },
    { method: 'put', path: '/vault/v1/kv/:id', summary: 'Update an object (optimistic version_check)', body: updateObjectSchema, response: objectWithoutValueSchema },
    { method: 'delete', path: '/vault/v1/kv/:id', summary: 'Delete an object (optional version_check query)' },
    { method: 'post', path: '/vault/v1/keys/data-key', summary: 'Create a data key for local encryption', body: createDataKeySchema, response: dataKeyPairSchema },
    { method: 'post', path: '/vault/v1/keys/decrypt', summary: 'Decrypt a data key', body: decryptDataKeySchema, response: decryptedDataKeySchema },
    { method: 'post', path: '/vault/v1/keys/rekey', summary: 'Re-wrap a data key under a key context', body: rekeySchema, response: dataKeyPairSchema },
    { method: 'post', path: '/vault/v1/keys/rotate', summary: "Rotate a context's key-encryption key (extension)", body: rotateKekSchema, response: rotatedKekSchema },
    { method: 'post', path: '/vault/v1/byok/keys', summary: "Bring an organization's own root key (BYOK, extension)", body: registerByokKeySchema, response: byokKeySchema, status: 201 },
    { method: 'get', path: '/vault/v1/byok/keys', summary: 'List BYOK keys (optional organization_id)', response: byokKeyListSchema },
    { method: 'get', path: '/vault/v1/byok/keys/:id', summary: 'Get a BYOK key', response: byokKeySchema },
    { method: 'delete', path: '/vault/v1/byok/keys/:id', summary: "Revoke a BYOK key: the organization's vault data becomes unreadable at once", response: byokKeySchema },
  ]);
}
