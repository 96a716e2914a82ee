import { z } from 'zod';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseConfigSchema, databaseConfigSchema, defaultConsumerGroupId, kafkaConfigSchema, loadConfig, LOOPBACK_CIDRS, loopbackConfigSchema, redisConfigSchema, secretsConfigSchema } from '@wos/platform';

const dayList = z
  .string()
  .transform((s) => [...new Set(s.split(',').map((d) => Number(d.trim())))].sort((a, b) => a - b))
  .pipe(z.array(z.number().int().min(1).max(3650)).min(1));

export const configSchema = baseConfigSchema
  .extend({ PORT: baseConfigSchema.shape.PORT.default(3005) })
  .extend(databaseConfigSchema.shape)
  .extend(kafkaConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend(secretsConfigSchema.shape)
  .extend(loopbackConfigSchema.shape)
  .extend({
    /** Retention periods (days) an organization may choose, comma-separated; WorkOS's API names 30·n (n ≤ 11) and 365·n (n ≤ 10). */
    AUDIT_LOGS_RETENTION_DAYS_ALLOWED: dayList.default([30, 365]),
    /** Retention of an organization that never chose one; must be one of the allowed periods. */
    AUDIT_LOGS_DEFAULT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    /** How often partitions are created ahead and expired events are removed. */
    AUDIT_LOGS_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
    /** Also publish every event as OCSF 1.3.0 on audit-logs.ocsf.v1 (one more outbox row and message per event). */
    AUDIT_LOGS_OCSF_TOPIC: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    /** How often each organization's chain head is signed as a checkpoint (when it moved). */
    AUDIT_LOGS_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
    /**
     * Record every read of a Vault value (vault.data.read whose key context names an
     * organization) in that organization's audit log, as action `vault.data.read`.
     */
    AUDIT_LOGS_RECORD_VAULT_READS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    /** Kafka consumer group; default `audit-logs.<database name>` (defaultConsumerGroupId). */
    AUDIT_LOGS_KAFKA_GROUP_ID: z.string().min(1).optional(),
    /** Monthly partitions kept ready beyond the current month. */
    AUDIT_LOGS_PARTITIONS_AHEAD: z.coerce.number().int().min(1).max(24).default(3),
    /** Rows deleted per statement when an expired partition cannot be dropped whole. */
    AUDIT_LOGS_PRUNE_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
    /** Where export files live: `local` (AUDIT_LOGS_EXPORT_DIR) or `s3` (AUDIT_LOGS_S3_*; credentials from the AWS SDK's chain). */
    AUDIT_LOGS_EXPORT_STORAGE: z.enum(['local', 's3']).default('local'),
    AUDIT_LOGS_S3_BUCKET: z.string().min(3).max(63).optional(),
    /** Key prefix inside the bucket. */
    AUDIT_LOGS_S3_PREFIX: z.string().max(200).regex(/^[A-Za-z0-9_./-]*$/).default('audit-log-exports/'),
    AUDIT_LOGS_S3_REGION: z.string().min(1).default('us-east-1'),
    /** An S3-compatible server's URL (MinIO, Ceph, R2); unset for AWS. */
    AUDIT_LOGS_S3_ENDPOINT: z.string().url().optional(),
    /** Path-style addressing (most S3-compatible servers need it). */
    AUDIT_LOGS_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    /** Directory of the local-filesystem export storage (a shared volume when several replicas run). */
    AUDIT_LOGS_EXPORT_DIR: z.string().min(1).default(join(tmpdir(), 'wos-audit-log-exports')),
    /** Public base URL of the API (the gateway) that export download links start with; set by compose, Helm and the Stack. */
    PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:8080').transform((u) => u.replace(/\/+$/, '')),
    /** Lifetime of a download link; WorkOS's expire after 10 minutes. */
    AUDIT_LOGS_EXPORT_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    /** How often streams behind their organization's chain head are scheduled for delivery. */
    AUDIT_LOGS_STREAM_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
    /** Events per delivery (Datadog takes at most 1,000 per request). */
    AUDIT_LOGS_STREAM_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(500),
    /** Streams delivered at once per replica. */
    AUDIT_LOGS_STREAM_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    /** A destination must answer within this. */
    AUDIT_LOGS_STREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Retry delay after the first failed attempt, doubling per failure up to the maximum. */
    AUDIT_LOGS_STREAM_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1000),
    AUDIT_LOGS_STREAM_RETRY_MAX_MS: z.coerce.number().int().min(10).default(600_000),
    /** CIDRs stream destinations may resolve to although loopback, private or link-local. Default: loopback with ALLOW_LOOPBACK_URLS=true, else none. */
    AUDIT_LOGS_STREAM_ALLOWED_CIDRS: z.string().optional(),
    /** Accept http:// destinations (development and tests). Default: ALLOW_LOOPBACK_URLS. */
    AUDIT_LOGS_STREAM_ALLOW_HTTP: z.enum(['true', 'false']).optional(),
  })
  .refine((c) => c.AUDIT_LOGS_RETENTION_DAYS_ALLOWED.includes(c.AUDIT_LOGS_DEFAULT_RETENTION_DAYS), {
    path: ['AUDIT_LOGS_DEFAULT_RETENTION_DAYS'],
    message: 'must be one of AUDIT_LOGS_RETENTION_DAYS_ALLOWED',
  })
  .refine((c) => c.AUDIT_LOGS_EXPORT_STORAGE !== 's3' || c.AUDIT_LOGS_S3_BUCKET, { path: ['AUDIT_LOGS_S3_BUCKET'], message: 'is required when AUDIT_LOGS_EXPORT_STORAGE=s3' })
  .transform((c) => ({
    ...c,
    AUDIT_LOGS_STREAM_ALLOWED_CIDRS:
      c.AUDIT_LOGS_STREAM_ALLOWED_CIDRS === undefined ? (c.ALLOW_LOOPBACK_URLS ? [...LOOPBACK_CIDRS] : []) : c.AUDIT_LOGS_STREAM_ALLOWED_CIDRS.split(',').map((x) => x.trim()).filter(Boolean),
    AUDIT_LOGS_STREAM_ALLOW_HTTP: c.AUDIT_LOGS_STREAM_ALLOW_HTTP === undefined ? c.ALLOW_LOOPBACK_URLS : c.AUDIT_LOGS_STREAM_ALLOW_HTTP === 'true',
  }));
export type AppConfig = z.infer<typeof configSchema>;

export function consumerGroupId(config: AppConfig): string {
  return config.AUDIT_LOGS_KAFKA_GROUP_ID ?? defaultConsumerGroupId('audit-logs', config.DATABASE_URL);
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(configSchema, env);
}

export { APP_CONFIG, LOGGER } from '@wos/platform';
