import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, defaultConsumerGroupId, kafkaConfigSchema, loadConfig } from '@wos/platform';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3004) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend({
    /** Kafka consumer group; default `organizations.<database name>` (defaultConsumerGroupId). */
    ORGANIZATIONS_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /** Resolvers for domain verification, `host:port` comma list; empty means the system's. */
    DNS_SERVERS: z
      .string()
      .default('')
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
    DNS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
    /** TXT records are looked up at `<prefix>.<domain>`. */
    DOMAIN_VERIFICATION_PREFIX: z.string().regex(/^[a-z0-9_-]+$/).default('_workos-challenge'),
    /** Open `GET /sdk/feature-flags/stream` connections one replica serves at most (more get a 503). */
    FEATURE_FLAG_STREAMS_MAX: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
    /** Open streams one environment may hold on one replica (more get a 429), so no tenant takes the replica's whole budget. */
    FEATURE_FLAG_STREAMS_PER_ENVIRONMENT: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
    /**
     * Identity, asked whether a user a feature flag is to target exists (users are identity's).
     * Unset (organizations run without identity): a user ID of the right shape is taken as given.
     */
    IDENTITY_URL: z.string().url().optional(),
  });
export type AppConfig = z.infer<typeof configSchema>;

export function consumerGroupId(config: AppConfig): string {
  return config.ORGANIZATIONS_KAFKA_GROUP_ID ?? defaultConsumerGroupId('organizations', config.DATABASE_URL);
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
