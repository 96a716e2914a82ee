import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, defaultConsumerGroupId, kafkaConfigSchema, loadConfig, parseSecretEncryptionKeys } from '@wos/platform';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3006) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend({
    /** Where root keys live. Only `local` exists today (PKCS#11 and KMS adapters are future work). */
    VAULT_KEY_PROVIDER: z.enum(['local']).default('local'),
    /**
     * The local provider's root keys, `<kid>:<base64 32 bytes>[,…]`: the first wraps new KEK
     * versions, all unwrap. Losing them makes every vault value unrecoverable.
     */
    VAULT_ROOT_KEYS: z
      .string()
      .min(1, 'is required: "<kid>:<base64 32 bytes>[,…]" (tools/stack.mjs generates a development key)')
      .superRefine((value, ctx) => {
        try {
          parseSecretEncryptionKeys(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    /** Largest accepted object value, in bytes of UTF-8 (request bodies are also capped at 1 MiB by default). */
    VAULT_MAX_VALUE_BYTES: z.coerce.number().int().min(1).max(4 * 1024 * 1024).default(512 * 1024),
    /** Kafka consumer group (it consumes organization.deleted); default `vault.<database name>`. */
    VAULT_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /** How often pending purges of shredded organizations' rows are resumed. */
    VAULT_PURGE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
    /** How long a shredded organization's (unreadable) rows stay before the purge removes them. */
    VAULT_PURGE_DELAY_MS: z.coerce.number().int().min(0).default(0),
  });

export function consumerGroupId(config: AppConfig): string {
  return config.VAULT_KAFKA_GROUP_ID ?? defaultConsumerGroupId('vault', config.DATABASE_URL);
}
export type AppConfig = z.infer<typeof configSchema>;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
