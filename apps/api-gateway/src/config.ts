import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, loadConfig, redisConfigSchema } from '@wos/platform';
import { limitSchema, rateLimitRulesSchema } from './rate-limit/rate-limit.rules';

const upstream = (port: number) => z.url().default(`http://127.0.0.1:${port}`);

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/wos_api_gateway';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(8080) })
  .extend(databaseConfigSchema.shape)
  .extend(redisConfigSchema.shape)
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
    /** Per attempt: time to response headers, and the longest pause between body chunks. */
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
    UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(4096).default(128),
    /** How long a verified key is trusted without asking Postgres; also the revocation delay. */
    API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    API_KEY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    /** `<requests>/<seconds>` per API key, unless the key has its own rate_limit_per_minute. */
    RATE_LIMIT_DEFAULT: z.string().default('6000/60').pipe(limitSchema),
    /** How often local rate-limit hits are written to Redis (the multi-replica accuracy bound). */
    RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(5).max(10_000).default(100),
    /** JSON array of `{ "method", "path", "limit" }`; a `:name` path segment matches any one segment. */
    RATE_LIMIT_RULES: z
      .string()
      .default('[{"method":"DELETE","path":"/organizations/:id","limit":"50/60"}]')
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

/** Injection tokens for the parsed configuration and the process logger. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');

/** The CLI needs only the database; it must work without the server's secrets. */
export const cliConfigSchema = z.object({ DATABASE_URL: configSchema.shape.DATABASE_URL });
export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): z.infer<typeof cliConfigSchema> {
  return loadConfig(cliConfigSchema, env);
}
