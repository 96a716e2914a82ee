import { z } from 'zod';
import {
  baseConfigSchema,
  databaseConfigSchema,
  defaultConsumerGroupId,
  kafkaConfigSchema,
  loadConfig,
  LOOPBACK_CIDRS,
  loopbackConfigSchema,
  redisConfigSchema,
  secretsConfigSchema,
} from '@wos/platform';

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3018) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend(secretsConfigSchema.shape)
  .extend(loopbackConfigSchema.shape)
  .extend({
    /** Kafka consumer group; default `pipes.<database name>` (defaultConsumerGroupId). */
    PIPES_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /** The gateway as browsers reach it: the OAuth callback (`redirect_uri`) is `<this>/pipes/oauth/callback`. */
    PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:8080'),
    /** Where tokens, API keys and client secrets of connected accounts are kept (apps/vault, internal HTTP). */
    VAULT_URL: z.string().url().default('http://127.0.0.1:3006'),
    /** Organization IDs are checked against their owner (apps/organizations, internal HTTP). */
    ORGANIZATIONS_URL: z.string().url().default('http://127.0.0.1:3004'),
    VAULT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** How often owed Vault deletions (an account deleted while Vault refused) are tried again (VaultDeletionsService). */
    PIPES_VAULT_DELETION_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /** A token expiring within this many seconds is refreshed before it is handed out. */
    PIPES_REFRESH_SKEW_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
    /** After a provider error, refreshes of that account wait 2^failures s, at most this long. */
    PIPES_REFRESH_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** Each call to a provider's token endpoint: connect, headers and body within this time. */
    PIPES_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** The most of a provider's token response read (larger answers are a failed exchange). */
    PIPES_PROVIDER_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1_024).max(1_048_576).default(65_536),
    /** Lifetime of an authorization request (state, PKCE verifier) between authorize and callback. */
    PIPES_AUTHORIZE_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(600),
    /**
     * How long (at most; each entry 3/4 of it to all of it, at random) a replica keeps a decrypted token in memory, keyed by the account's token version
     * (any write bumps it, so a refresh or disconnect is never hidden); 0 reads Vault every time.
     */
    PIPES_TOKEN_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(30_000),
    /** Plain http for custom-provider URLs. Default: ALLOW_LOOPBACK_URLS. */
    PIPES_ALLOW_HTTP_PROVIDER_URLS: z.enum(['true', 'false']).optional(),
    /** CIDRs custom-provider URLs may reach despite the address policy. Default: loopback with ALLOW_LOOPBACK_URLS=true, else none. */
    PIPES_ALLOWED_PROVIDER_CIDRS: z.string().optional(),
  })
  .transform((c) => ({
    ...c,
    PIPES_ALLOW_HTTP_PROVIDER_URLS: c.PIPES_ALLOW_HTTP_PROVIDER_URLS ? c.PIPES_ALLOW_HTTP_PROVIDER_URLS === 'true' : c.ALLOW_LOOPBACK_URLS,
    PIPES_ALLOWED_PROVIDER_CIDRS: list(c.PIPES_ALLOWED_PROVIDER_CIDRS ?? (c.ALLOW_LOOPBACK_URLS ? LOOPBACK_CIDRS.join(',') : '')),
  }));
export type AppConfig = z.infer<typeof configSchema>;

export function consumerGroupId(config: AppConfig): string {
  return config.PIPES_KAFKA_GROUP_ID ?? defaultConsumerGroupId('pipes', config.DATABASE_URL);
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
