import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, defaultConsumerGroupId, kafkaConfigSchema, loadConfig } from '@wos/platform';
import { checkMailDelivery, mailConfigSchema } from '@wos/platform/mail';

const url = z.string().url();

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3021) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend(mailConfigSchema.shape)
  .extend({
    /** Kafka consumer group; default `admin-portal.<database name>` (defaultConsumerGroupId). */
    ADMIN_PORTAL_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /** The gateway as browsers reach it (the hosted AuthKit pages' host): portal links are built on it. */
    PUBLIC_BASE_URL: url.default('http://127.0.0.1:8080').transform((s) => s.replace(/\/+$/, '')),
    /** A generated link expires this long after issue unless opened (WorkOS: 5 minutes). */
    PORTAL_LINK_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(300),
    /** An IT contact's emailed link lives longer: the person reads their mail later. */
    PORTAL_INVITE_LINK_TTL_SECONDS: z.coerce.number().int().min(300).max(30 * 86_400).default(7 * 86_400),
    /** A portal session (opened link) lasts this long. */
    PORTAL_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
    /**
     * How long a portal GET page's upstream reads are kept for its session (PortalSessionCache),
     * so a warm render calls no other service; 0 keeps nothing. 5 s, like the branding the pages
     * already keep per environment: a change made outside the portal (the public API, SCIM traffic)
     * shows within it, while the portal's own writes show at once (they drop the session's reads).
     */
    PORTAL_READ_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /* The services whose APIs the portal pages drive (internal HTTP, the environment signed). */
    ORGANIZATIONS_URL: url.default('http://127.0.0.1:3004'),
    SSO_URL: url.default('http://127.0.0.1:3002'),
    DIRECTORY_SYNC_URL: url.default('http://127.0.0.1:3003'),
    AUDIT_LOGS_URL: url.default('http://127.0.0.1:3005'),
    /** Vault holds the organizations' own root keys (the bring_your_own_key page). */
    VAULT_URL: url.default('http://127.0.0.1:3006'),
    /** Identity holds the environment's branding (the hosted pages' name, logo and colour). */
    IDENTITY_URL: url.default('http://127.0.0.1:3001'),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  })
  .superRefine((c, ctx) => checkMailDelivery(c, ctx));
export type AppConfig = z.infer<typeof configSchema>;

export function consumerGroupId(config: AppConfig): string {
  return config.ADMIN_PORTAL_KAFKA_GROUP_ID ?? defaultConsumerGroupId('admin-portal', config.DATABASE_URL);
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
