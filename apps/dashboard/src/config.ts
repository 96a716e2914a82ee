import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, loadConfig } from '@wos/platform';

const url = z.string().url();

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3019) })
  .extend(databaseConfigSchema.shape)
  .extend({
    /** The gateway as browsers reach it: the console lives at `<PUBLIC_BASE_URL>/dashboard` and signs in through its AuthKit. */
    PUBLIC_BASE_URL: url.default('http://127.0.0.1:8080').transform((s) => s.replace(/\/+$/, '')),
    /** A console session lasts this long after sign-in. */
    DASHBOARD_SESSION_TTL_SECONDS: z.coerce.number().int().min(300).max(7 * 86_400).default(8 * 3_600),
    /* The services the console drives (internal HTTP, the environment signed); the gateway for its settings. */
    API_GATEWAY_URL: url.default('http://127.0.0.1:8080'),
    ORGANIZATIONS_URL: url.default('http://127.0.0.1:3004'),
    IDENTITY_URL: url.default('http://127.0.0.1:3001'),
    SSO_URL: url.default('http://127.0.0.1:3002'),
    DIRECTORY_SYNC_URL: url.default('http://127.0.0.1:3003'),
    EVENTS_URL: url.default('http://127.0.0.1:3008'),
    WEBHOOK_DISPATCHER_URL: url.default('http://127.0.0.1:3009'),
    AUDIT_LOGS_URL: url.default('http://127.0.0.1:3005'),
    ADMIN_PORTAL_URL: url.default('http://127.0.0.1:3021'),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  });
export type AppConfig = z.infer<typeof configSchema>;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
