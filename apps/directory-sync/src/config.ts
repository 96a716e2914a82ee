import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, kafkaConfigSchema, loadConfig, defaultConsumerGroupId } from '@wos/platform';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3003) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend({
    /** The gateway's public base URL; SCIM base URLs handed to IdPs are built from it. */
    PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:8080').transform((u) => u.replace(/\/+$/, '')),
    /** The organizations service, asked (with a signed environment context) whether an organization exists. */
    ORGANIZATIONS_URL: z.string().url().default('http://127.0.0.1:3004').transform((u) => u.replace(/\/+$/, '')),
    /**
     * The authorization service: group → role mappings must name roles of its catalogue (422
     * otherwise). Unset (not deployed), role slugs are free-form.
     */
    AUTHORIZATION_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
    /**
     * Consumer group for organization events. Unset, it is derived from the database name, so
     * every replica of one deployment shares a group and separate stacks on one broker never do.
     * Not KAFKA_GROUP_ID: sharing the events service's group would split its partitions with it.
     */
    DIRECTORY_SYNC_KAFKA_GROUP_ID: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
    /**
     * How long a replica trusts a directory row it read for SCIM authentication. Changes made
     * through this replica (token rotation, deletion, role mappings) apply at once; another
     * replica's take up to this long. 0 reads the row on every request.
     */
    SCIM_AUTH_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
    /**
     * Most group members one SCIM response carries (GET with members, a list page, a write's
     * answer). Reading a larger group's members is a 400 tooMany; excludedAttributes=members
     * always works.
     */
    SCIM_MAX_GROUP_MEMBERS: z.coerce.number().int().min(1).max(100_000).default(10_000),
    /** Largest SCIM page (`count`); RFC 7644 lets the server cap it. */
    SCIM_MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  });
export type AppConfig = z.infer<typeof configSchema>;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export function consumerGroupId(config: AppConfig): string {
  return config.DIRECTORY_SYNC_KAFKA_GROUP_ID ?? defaultConsumerGroupId('directory-sync', config.DATABASE_URL);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
