import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, defaultConsumerGroupId, kafkaConfigSchema, loadConfig, parseSecretEncryptionKeys } from '@wos/platform';

/* `<kid>:<base64 32 bytes>[,…]`, checked where it is given. */
const rootKeysSchema = z.string().superRefine((value, ctx) => {
  try {
    parseSecretEncryptionKeys(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3006) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend({
    /**
     * Which adapter holds the platform's root key (the one that wraps KEKs of organizations
     * without a key of their own): `local` (VAULT_ROOT_KEYS or VAULT_ROOT_KEYS_FILE) or `pkcs11`
     * (VAULT_PKCS11_ROOT_KEY_LABEL in the VAULT_PKCS11_* token).
     */
    VAULT_KEY_PROVIDER: z.enum(['local', 'pkcs11']).default('local'),
    /**
     * The local provider's root keys, `<kid>:<base64 32 bytes>[,…]`: the first wraps new KEK
     * versions, all unwrap. Losing them makes every vault value unrecoverable.
     */
    VAULT_ROOT_KEYS: rootKeysSchema.optional(),
    /** A file holding VAULT_ROOT_KEYS' value instead (a mounted secret); read once at boot. */
    VAULT_ROOT_KEYS_FILE: z.string().min(1).optional(),
    /** The PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so); enables PKCS11 BYOK keys and the pkcs11 provider. */
    VAULT_PKCS11_LIBRARY: z.string().min(1).optional(),
    VAULT_PKCS11_TOKEN_LABEL: z.string().min(1).max(32).optional(),
    VAULT_PKCS11_PIN: z.string().min(1).optional(),
    /** The token's AES-256 key (non-extractable) that wraps the platform's KEKs when VAULT_KEY_PROVIDER=pkcs11. */
    VAULT_PKCS11_ROOT_KEY_LABEL: z.string().min(1).max(128).optional(),
    /** Largest accepted object value, in bytes of UTF-8 (request bodies are also capped at 1 MiB by default). */
    VAULT_MAX_VALUE_BYTES: z.coerce.number().int().min(1).max(4 * 1024 * 1024).default(512 * 1024),
    /** Kafka consumer group (it consumes organization.deleted); default `vault.<database name>`. */
    VAULT_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /** How often pending purges of shredded organizations' rows are resumed. */
    VAULT_PURGE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
    /** How long a shredded organization's (unreadable) rows stay before the purge removes them. */
    VAULT_PURGE_DELAY_MS: z.coerce.number().int().min(0).default(0),
    /** Stored data keys re-wrapped per rekey transaction after a KEK rotation. */
    VAULT_REKEY_BATCH: z.coerce.number().int().min(1).max(10_000).default(200),
    /** Pause between rekey batches, so a large rekey leaves room for live traffic. */
    VAULT_REKEY_BATCH_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /** How often pending rekeys are resumed (after a crash, or on another replica). */
    VAULT_REKEY_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  })
  .superRefine((c, ctx) => {
    const missing = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.VAULT_ROOT_KEYS && c.VAULT_ROOT_KEYS_FILE) missing('VAULT_ROOT_KEYS_FILE', 'give VAULT_ROOT_KEYS or VAULT_ROOT_KEYS_FILE, not both');
    if (c.VAULT_KEY_PROVIDER === 'local' && !c.VAULT_ROOT_KEYS && !c.VAULT_ROOT_KEYS_FILE) {
      missing('VAULT_ROOT_KEYS', 'is required: "<kid>:<base64 32 bytes>[,…]" (tools/stack.mjs generates a development key), or VAULT_ROOT_KEYS_FILE');
    }
    const pkcs11 = c.VAULT_PKCS11_LIBRARY || c.VAULT_PKCS11_TOKEN_LABEL || c.VAULT_PKCS11_PIN || c.VAULT_KEY_PROVIDER === 'pkcs11';
    if (pkcs11) {
      for (const name of ['VAULT_PKCS11_LIBRARY', 'VAULT_PKCS11_TOKEN_LABEL', 'VAULT_PKCS11_PIN'] as const) {
        if (!c[name]) missing(name, 'is required with the PKCS#11 key provider');
      }
    }
    if (c.VAULT_KEY_PROVIDER === 'pkcs11' && !c.VAULT_PKCS11_ROOT_KEY_LABEL) missing('VAULT_PKCS11_ROOT_KEY_LABEL', 'is required with VAULT_KEY_PROVIDER=pkcs11');
  });

export function consumerGroupId(config: AppConfig): string {
  return config.VAULT_KAFKA_GROUP_ID ?? defaultConsumerGroupId('vault', config.DATABASE_URL);
}
export type AppConfig = z.infer<typeof configSchema>;

/** The local provider's root keys: VAULT_ROOT_KEYS, or the content of VAULT_ROOT_KEYS_FILE; undefined when neither is set. */
export function localRootKeys(config: AppConfig): Map<string, Buffer> | undefined {
  const value = config.VAULT_ROOT_KEYS ?? (config.VAULT_ROOT_KEYS_FILE ? readFileSync(config.VAULT_ROOT_KEYS_FILE, 'utf8').trim() : undefined);
  if (value === undefined) return undefined;
  try {
    return parseSecretEncryptionKeys(value);
  } catch (err) {
    throw new Error(`VAULT_ROOT_KEYS${config.VAULT_ROOT_KEYS ? '' : '_FILE'}: ${(err as Error).message}`);
  }
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
