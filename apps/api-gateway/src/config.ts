import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, kafkaConfigSchema, loadConfig, redisConfigSchema, secretsConfigSchema } from '@wos/platform';
import { DEFAULT_RATE_LIMIT_RULES, limitSchema, rateLimitRulesSchema } from './rate-limit/rate-limit.rules';
import { trustedProxiesSchema } from './proxy/client-address';

const upstream = (port: number) => z.url().default(`http://127.0.0.1:${port}`);
/* An empty variable (`NAME=` in an env file) means unset. */
const unsetWhenEmpty = (v: unknown) => (v === '' ? undefined : v);

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/wos_api_gateway';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(8080) })
  .extend(databaseConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend(secretsConfigSchema.shape)
  // The outbox relay publishes the rate-limit usage counts (RateLimitUsageService).
  .extend(kafkaConfigSchema.shape)
  .extend({
    DATABASE_URL: databaseConfigSchema.shape.DATABASE_URL.default(DEFAULT_DATABASE_URL),
    IDENTITY_URL: upstream(3001),
    SSO_URL: upstream(3002),
    DIRECTORY_SYNC_URL: upstream(3003),
    ORGANIZATIONS_URL: upstream(3004),
    AUDIT_LOGS_URL: upstream(3005),
    VAULT_URL: upstream(3006),
    RADAR_URL: upstream(3007),
    EVENTS_URL: upstream(3008),
    WEBHOOK_DISPATCHER_URL: upstream(3009),
    AUTHORIZATION_URL: upstream(3010),
    PIPES_URL: upstream(3018),
    ADMIN_PORTAL_URL: upstream(3021),
    DASHBOARD_URL: upstream(3019),
    /** Per attempt: time to response headers, and the longest pause between body chunks. */
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
    UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(4096).default(128),
    /** Upstream connections per service for streaming routes (one per open stream, e.g. feature-flag SSE). */
    UPSTREAM_STREAM_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    /** How long a verified key is trusted without asking Postgres; also the revocation delay. */
    API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    /**
     * How long the gateway answers a repeated POST /api_keys/validations itself (0: never). It is
     * the bound on a revocation made elsewhere reaching this replica, so it stays under 1 s.
     */
    API_KEY_VALIDATION_CACHE_MS: z.coerce.number().int().min(0).max(1000).default(500),
    API_KEY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    /** Unknown keys are remembered apart from known ones, so a flood of them cannot evict valid keys. */
    API_KEY_NEGATIVE_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    /**
     * `<lookups>/<seconds>` per client IP of API keys and client IDs missing from the caches
     * (unknown ones are the flood case); past it that IP's uncached credentials get 429.
     */
    CREDENTIAL_LOOKUPS_PER_IP: z.string().default('100/60').pipe(limitSchema),
    /** `<requests>/<seconds>` per API key, unless the key has its own rate_limit_per_minute. */
    RATE_LIMIT_DEFAULT: z.string().default('6000/60').pipe(limitSchema),
    /** `<requests>/<seconds>` per client IP for requests without an API key (public routes). */
    PUBLIC_RATE_LIMIT_PER_IP: z.string().default('6000/60').pipe(limitSchema),
    /** `<requests>/<seconds>` per client ID for public clients (browser and PKCE routes). */
    PUBLIC_RATE_LIMIT_PER_CLIENT_ID: z.string().default('6000/60').pipe(limitSchema),
    /**
     * Comma-separated CIDRs (or addresses) of the reverse proxies in front of the gateway. Only a
     * peer in this list may set X-Forwarded-For/-Proto/-Host; empty: the socket peer is the client.
     */
    TRUSTED_PROXY_CIDRS: z.string().default('').pipe(trustedProxiesSchema),
    /** Port of /health, /ready and /metrics (never served on PORT, the public port except /health). */
    ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    /** Interface of the admin port; defaults to HOST. */
    ADMIN_HOST: z.preprocess(unsetWhenEmpty, z.string().optional()),
    /** How often local rate-limit hits are written to Redis (the multi-replica accuracy bound). */
    RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(5).max(10_000).default(100),
    /**
     * JSON array of `{ "method", "path", "limit", "per" }` (see rate-limit.rules.ts); replaces the
     * default rules, which are WorkOS's published limits.
     */
    RATE_LIMIT_RULES: z
      .preprocess(unsetWhenEmpty, z.string().default(JSON.stringify(DEFAULT_RATE_LIMIT_RULES)))
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON array' });
          return z.NEVER;
        }
      })
      .pipe(rateLimitRulesSchema),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1).max(100 * 1024 * 1024).default(1024 * 1024),
    IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(86_400),
    /** Prefix of every Redis key the gateway writes (rate-limit counters, idempotency records). */
    REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/).default('gw:'),
  });
export type AppConfig = z.infer<typeof configSchema>;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';

/** The CLI needs only the database; it must work without the server's secrets. */
export const cliConfigSchema = z.object({ DATABASE_URL: configSchema.shape.DATABASE_URL });
export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): z.infer<typeof cliConfigSchema> {
  return loadConfig(cliConfigSchema, env);
}
