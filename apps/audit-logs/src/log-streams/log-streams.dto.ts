import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';

/*
 * `/audit_logs/log_streams` (ours: WorkOS configures log streams in its Admin Portal and has no
 * public API for them). One stream sends one organization's audit-log events to one destination.
 * Secrets (a Datadog API key, a Splunk HEC token, S3 credentials) are write-only: sealed at rest,
 * never answered. A generic HTTPS stream's signing secret is answered once, at creation.
 */
const orgId = z.string().regex(/^org_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an organization ID (org_…)');
const url = z.string().max(2000).url();
const token = z.string().min(1).max(500);
const name = z.string().trim().min(1).max(100);

/** Datadog's sites (https://docs.datadoghq.com/getting_started/site/). */
export const DATADOG_SITES = ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ddog-gov.com'] as const;

export const streamConfigSchemas = {
  datadog: z.strictObject({
    site: z.enum(DATADOG_SITES).default('datadoghq.com'),
    /** Instead of the site's intake URL (a proxy, or a test receiver). */
    url: url.optional(),
    api_key: token,
    service: z.string().min(1).max(100).default('audit-logs'),
    tags: z.string().max(500).optional(),
  }),
  splunk: z.strictObject({
    /** The HEC base URL, e.g. https://splunk.example.com:8088; events go to /services/collector/event. */
    url,
    token,
    index: z.string().min(1).max(100).optional(),
    sourcetype: z.string().min(1).max(100).default('_json'),
  }),
  https: z.strictObject({ url }),
  s3: z
    .strictObject({
      bucket: z.string().min(3).max(63).regex(/^[a-z0-9][a-z0-9.-]+[a-z0-9]$/, 'must be an S3 bucket name'),
      prefix: z.string().max(200).regex(/^[A-Za-z0-9_./-]*$/).default(''),
      region: z.string().min(1).max(50).default('us-east-1'),
      /** An S3-compatible server; unset for AWS. */
      endpoint: url.optional(),
      force_path_style: z.boolean().default(false),
      access_key_id: z.string().min(1).max(200).optional(),
      secret_access_key: token.optional(),
    })
    .refine((c) => !c.access_key_id === !c.secret_access_key, { path: ['secret_access_key'], message: 'access_key_id and secret_access_key go together' }),
} as const;
export type StreamConfigs = { [K in keyof typeof streamConfigSchemas]: z.infer<(typeof streamConfigSchemas)[K]> };

/** The write-only fields of each type's config. */
export const SECRET_FIELDS: Record<keyof StreamConfigs, readonly string[]> = { datadog: ['api_key'], splunk: ['token'], https: [], s3: ['secret_access_key'] };

export const createLogStreamBodySchema = z.strictObject({
  organization_id: orgId,
  type: z.enum(['datadog', 'splunk', 'https', 's3']),
  name: name.optional(),
  /** The type's settings; validated against its schema by the service. */
  config: z.record(z.string(), z.unknown()),
});
export type CreateLogStreamBody = z.infer<typeof createLogStreamBodySchema>;

export const updateLogStreamBodySchema = z.strictObject({
  name: name.optional(),
  state: z.enum(['active', 'paused']).optional(),
  /** Fields to change; the others (secrets included) are kept. */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateLogStreamBody = z.infer<typeof updateLogStreamBodySchema>;

export const listLogStreamsQuerySchema = paginationQuerySchema.extend({ organization_id: orgId.optional() });
export type ListLogStreamsQuery = z.infer<typeof listLogStreamsQuerySchema>;

export interface LogStreamRow {
  id: string;
  environmentId: string;
  organizationId: string;
  type: keyof StreamConfigs;
  name: string | null;
  state: 'active' | 'paused';
  /** The type's config without its secrets. */
  config: Record<string, unknown>;
  secretsSealed: string;
  deliveredSeq: number;
  failures: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastDeliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface LogStreamWire {
  object: 'log_stream';
  id: string;
  organization_id: string;
  type: LogStreamRow['type'];
  name: string | null;
  state: LogStreamRow['state'];
  config: Record<string, unknown>;
  /** The chain position of the last event delivered. */
  delivered_through: number;
  last_delivered_at: string | null;
  /** Consecutive failed attempts, and the last one's error; 0 and null when healthy. */
  failures: number;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  /** Only in the response to a generic HTTPS stream's creation: the WorkOS-Signature key. */
  secret?: string;
}

export function toLogStreamWire(r: LogStreamRow, secret?: string): LogStreamWire {
  return {
    object: 'log_stream',
    id: r.id,
    organization_id: r.organizationId,
    type: r.type,
    name: r.name,
    state: r.state,
    config: r.config,
    delivered_through: r.deliveredSeq,
    last_delivered_at: r.lastDeliveredAt?.toISOString() ?? null,
    failures: r.failures,
    last_error: r.lastError,
    next_attempt_at: r.nextAttemptAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    ...(secret ? { secret } : {}),
  };
}
