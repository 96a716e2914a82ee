import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, defaultConsumerGroupId, kafkaConfigSchema, loadConfig } from '@wos/platform';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3010) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend({
    /** Kafka consumer group; default `authorization.<database name>` (defaultConsumerGroupId). */
    AUTHORIZATION_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /** The organizations service, asked (signed environment) whether an organization named in a create exists. */
    ORGANIZATIONS_URL: z.string().url().default('http://127.0.0.1:3004').transform((u) => u.replace(/\/+$/, '')),
    /**
     * How long a replica trusts that an organization exists. A deleted organization's cleanup
     * evicts it on the replica that consumes organization.deleted; others may accept a create
     * for it this long. Unknown organizations are never cached (a new one is found at once).
     */
    ORGANIZATION_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
    /**
     * Rows (resources, memberships, grants, roles) the check index holds in memory across
     * organizations, the oldest loaded dropped first; 0 answers every check from the database.
     */
    AUTHZ_CHECK_INDEX_MAX_ROWS: z.coerce.number().int().min(0).default(1_000_000),
    /**
     * An organization with more resources, memberships or grants than this is checked in the
     * database (its load, parsed on the event loop, would stall the replica: about 3 ms per 1,000 rows).
     */
    AUTHZ_CHECK_INDEX_ORGANIZATION_MAX_ROWS: z.coerce.number().int().min(1).default(10_000),
    /**
     * A load of an organization that took this long or more (ms) defers its next load to 50
     * times that (its checks go to the database meanwhile; `mayLoad`).
     */
    AUTHZ_CHECK_INDEX_SLOW_LOAD_MS: z.coerce.number().int().min(1).default(5),
    /** Identity, read (signed environment) by the role slug migration's membership backfill. */
    IDENTITY_URL: z.string().url().default('http://127.0.0.1:3001').transform((u) => u.replace(/\/+$/, '')),
  });
export type AppConfig = z.infer<typeof configSchema>;

export function consumerGroupId(config: AppConfig): string {
  return config.AUTHORIZATION_KAFKA_GROUP_ID ?? defaultConsumerGroupId('authorization', config.DATABASE_URL);
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
