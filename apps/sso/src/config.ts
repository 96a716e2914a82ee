import { z } from 'zod';
import { baseConfigSchema, databaseConfigSchema, kafkaConfigSchema, loadConfig, LOOPBACK_CIDRS, loopbackConfigSchema, redisConfigSchema, secretsConfigSchema, defaultConsumerGroupId } from '@wos/platform';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const url = z.string().url();

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3002) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend(secretsConfigSchema.shape)
  .extend(loopbackConfigSchema.shape)
  .extend({
    /** The gateway's public base URL: SP entity IDs, ACS and callback URLs are built on it. */
    PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:8080').transform((s) => s.replace(/\/+$/, '')),
    /** The organizations service: a connection's organization_id must exist in its environment. */
    ORGANIZATIONS_URL: z.string().url().default('http://127.0.0.1:3004'),
    /** Allowed clock skew when checking SAML conditions and OIDC ID token times. */
    SSO_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
    /** Lifetime of a pending sign-in (authorize → ACS/callback). */
    SSO_AUTH_STATE_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
    /** Lifetime of the one-time code sent to redirect_uri. */
    SSO_CODE_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
    /** Lifetime of the profile access token returned by /sso/token. */
    SSO_PROFILE_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
    /**
     * Whether IdP metadata, discovery and token URLs may use plain http. Default: ALLOW_LOOPBACK_URLS
     * (the tests' IdPs listen on loopback http).
     */
    SSO_ALLOW_HTTP_IDP_URLS: bool.optional(),
    /**
     * Loopback, private, link-local and reserved addresses IdP URLs may reach anyway, as
     * comma-separated CIDRs. Default: loopback with ALLOW_LOOPBACK_URLS=true, else none.
     */
    SSO_ALLOWED_IDP_CIDRS: z.string().optional(),
    /**
     * Sign-ins started per connection AND source IP per minute. WorkOS documents 1,000 / 60 s per
     * connection; counting per address keeps that figure for any one client while one client can
     * no longer lock a whole organization out.
     */
    SSO_AUTHORIZE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    /** How often the SAML certificate expiry scan runs (connection.saml_certificate_renewal_required). */
    SSO_CERTIFICATE_SCAN_INTERVAL_MS: z.coerce.number().int().min(1000).max(7 * 86_400_000).default(6 * 3_600_000),
    SSO_IDP_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** Kafka consumer group for organizations.events.v1; default `sso.<database name>`. */
    SSO_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /* Default endpoints of the OAuth providers; a connection may override each. */
    GOOGLE_OAUTH_AUTHORIZATION_URL: url.default('https://accounts.google.com/o/oauth2/v2/auth'),
    GOOGLE_OAUTH_TOKEN_URL: url.default('https://oauth2.googleapis.com/token'),
    GOOGLE_OAUTH_USERINFO_URL: url.default('https://openidconnect.googleapis.com/v1/userinfo'),
    MICROSOFT_OAUTH_AUTHORIZATION_URL: url.default('https://login.microsoftonline.com/common/oauth2/v2.0/authorize'),
    MICROSOFT_OAUTH_TOKEN_URL: url.default('https://login.microsoftonline.com/common/oauth2/v2.0/token'),
    MICROSOFT_OAUTH_USERINFO_URL: url.default('https://graph.microsoft.com/oidc/userinfo'),
    GITHUB_OAUTH_AUTHORIZATION_URL: url.default('https://github.com/login/oauth/authorize'),
    GITHUB_OAUTH_TOKEN_URL: url.default('https://github.com/login/oauth/access_token'),
    GITHUB_OAUTH_USERINFO_URL: url.default('https://api.github.com/user'),
  })
  .transform((c) => ({
    ...c,
    // An explicit opt-in, never NODE_ENV (review L7).
    SSO_ALLOW_HTTP_IDP_URLS: c.SSO_ALLOW_HTTP_IDP_URLS ?? c.ALLOW_LOOPBACK_URLS,
    SSO_ALLOWED_IDP_CIDRS: (c.SSO_ALLOWED_IDP_CIDRS ?? (c.ALLOW_LOOPBACK_URLS ? LOOPBACK_CIDRS.join(',') : ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  }));
export type AppConfig = z.infer<typeof configSchema>;

/** One group per database: replicas of one deployment share it, separate deployments (and test files) do not. */
export function consumerGroupId(config: AppConfig): string {
  return config.SSO_KAFKA_GROUP_ID ?? defaultConsumerGroupId('sso', config.DATABASE_URL);
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
