import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, kafkaConfigSchema, loadConfig, redisConfigSchema, secretsConfigSchema, defaultConsumerGroupId } from '@wos/platform';
import { checkMailDelivery, mailConfigSchema, mailSenderConfigSchema } from './mail/mail.config';
import { emailFlowsConfigSchema } from './email-flows/email-flows.config';
import { radarClientConfigSchema } from './radar/radar.config';
import { deviceFlowConfigSchema } from './device-flow/device-flow.config';
import { agentClaimsConfigSchema } from './agents/agent-claims.config';

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3001) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend(secretsConfigSchema.shape)
  .extend(mailConfigSchema.shape)
  .extend(mailSenderConfigSchema.shape)
  .extend(emailFlowsConfigSchema.shape)
  .extend(radarClientConfigSchema.shape)
  .extend(deviceFlowConfigSchema.shape)
  .extend(agentClaimsConfigSchema.shape)
  .extend({
    /** The gateway's public base URL: JWT issuer, JWKS and logout URLs are built from it. */
    PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:8080'),
    /**
     * The gateway as services reach it (in-cluster URL); default PUBLIC_BASE_URL. Logout asks it
     * whether `return_to` is one of the environment's registered redirect URIs.
     */
    API_GATEWAY_URL: z.string().url().optional(),
    /** Internal URL of the organizations service (memberships check the organization exists). */
    ORGANIZATIONS_URL: z.string().url().default('http://127.0.0.1:3004'),
    /** The SSO service, for AuthKit sign-ins through a connection or OAuth provider. */
    SSO_URL: z.string().url().default('http://127.0.0.1:3002'),
    /**
     * The authorization service: membership role slugs are validated against its catalogue, and
     * access tokens carry the roles' permissions. Unset (authorization not deployed), role slugs
     * stay free-form and tokens carry `permissions: []`.
     */
    AUTHORIZATION_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
    /**
     * The directory-sync service: AuthKit users and memberships are provisioned from the
     * directories that turn `user_provisioning` on. Unset (not deployed), nothing is provisioned.
     */
    DIRECTORY_SYNC_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
    /**
     * The audit-logs service: the audit-log streaming widget manages the organization's log streams
     * there. Unset (not deployed), that widget's calls answer 503.
     */
    AUDIT_LOGS_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
    /** How long identity caches an organization's role claims (role/permission events invalidate sooner). */
    ROLE_CLAIMS_CACHE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /**
     * Connect: how long a replica may use a cached application and its secrets' hashes for client
     * authentication without re-reading them. Changes reach this replica at once and the others on
     * a Postgres NOTIFY (milliseconds); this bounds staleness if a notification is lost. 0: no cache.
     */
    CONNECT_CLIENT_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
    /** How long identity caches a (organization, user)'s feature-flag claim: a flag change reaches tokens within this. */
    FEATURE_FLAG_CLAIMS_CACHE_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
    /** Access-token lifetime in seconds (WorkOS: 5 minutes). */
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(300),
    /** Widget-token lifetime in seconds (WorkOS: one hour). */
    WIDGET_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
    /** Session (and refresh-token chain) lifetime in seconds. */
    SESSION_TTL_SECONDS: z.coerce.number().int().min(300).default(30 * 86_400),
    /** A signing key older than this is replaced by a new one; the old one stays in the JWKS. */
    SIGNING_KEY_ROTATION_DAYS: z.coerce.number().min(1).default(90),
    /** Per-email attempts of POST /user_management/authenticate per 60 s (WORKOS_API.md §3.4). */
    AUTH_EMAIL_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    /** Per-IP attempts of POST /user_management/authenticate per 60 s. */
    AUTH_IP_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
    /** Posts per form per IP per 60 s on the hosted AuthKit pages (sign-in, sign-up, codes, reset…). */
    HOSTED_FORM_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    /** When true, a user without an MFA factor must enrol before a session is issued (mfa_enrollment). */
    MFA_REQUIRED: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /**
     * Consumer group for organization events (organization.deleted). Unset, it is derived from
     * the database name, so the replicas of one deployment share a group and separate stacks on
     * one broker never do.
     */
    IDENTITY_KAFKA_GROUP_ID: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
    /** Argon2id parameters (OWASP: m=19 MiB, t=2, p=1). */
    ARGON2_MEMORY_KIB: z.coerce.number().int().min(8192).default(19_456),
    ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2),
  })
  .superRefine(checkMailDelivery);
export type AppConfig = z.infer<typeof configSchema>;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export function consumerGroupId(config: AppConfig): string {
  return config.IDENTITY_KAFKA_GROUP_ID ?? defaultConsumerGroupId('identity', config.DATABASE_URL);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
