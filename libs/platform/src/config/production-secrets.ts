import { deriveInternalAuthKey, deriveSecretEncryptionKeys } from '../crypto/service-keys';
import { parseSecretEncryptionKeys } from '../crypto/secret-box';
import { APP_CATALOGUE } from '../stack/catalogue';

/*
 * Secrets that were published with the project (docker-compose.yml's old defaults). With
 * NODE_ENV=production a service refuses to start with any of them, or any key derived from them
 * (L13): anyone who read the repository could sign internal requests or open sealed secrets.
 */
const PUBLISHED_INTERNAL_AUTH_ROOTS = ['local-dev-internal-secret'];
const PUBLISHED_SECRET_ENCRYPTION_KEYS = ['compose-dev:Y29tcG9zZS1kZXYta2V5LW5vdC1mb3ItcHJvZC11c2U='];
const MIN_PRODUCTION_KEY_LENGTH = 32;

const publishedInternalKeys = new Set(
  PUBLISHED_INTERNAL_AUTH_ROOTS.flatMap((root) => [root, ...APP_CATALOGUE.map((a) => deriveInternalAuthKey(root, a.name))]),
);
const publishedEncryptionKeys = new Set(
  PUBLISHED_SECRET_ENCRYPTION_KEYS.flatMap((root) => [root, ...APP_CATALOGUE.map((a) => deriveSecretEncryptionKeys(root, a.name))])
    .flatMap((value) => [...parseSecretEncryptionKeys(value).values()].map((k) => k.toString('base64'))),
);

/** What is wrong with a parsed configuration's secrets for production; empty when nothing is. */
export function productionSecretProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const internal: [string, unknown][] = [['INTERNAL_AUTH_SECRET', config.INTERNAL_AUTH_SECRET]];
  const peers = config.INTERNAL_AUTH_PEER_KEYS;
  if (peers && typeof peers === 'object') for (const [name, key] of Object.entries(peers)) internal.push([`INTERNAL_AUTH_PEER_KEYS (${name})`, key]);
  for (const [name, key] of internal) {
    if (typeof key !== 'string') continue;
    if (publishedInternalKeys.has(key)) problems.push(`${name} is a published development secret; generate your own (tools/derive-keys.mjs)`);
    else if (key.length < MIN_PRODUCTION_KEY_LENGTH) problems.push(`${name} must be at least ${MIN_PRODUCTION_KEY_LENGTH} characters in production`);
  }
  const keks = config.SECRET_ENCRYPTION_KEYS;
  if (typeof keks === 'string') {
    for (const [kid, key] of parseSecretEncryptionKeys(keks)) {
      if (publishedEncryptionKeys.has(key.toString('base64'))) problems.push(`SECRET_ENCRYPTION_KEYS key "${kid}" is a published development key; generate your own (tools/derive-keys.mjs)`);
    }
  }
  return problems;
}
