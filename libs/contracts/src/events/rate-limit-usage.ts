import { z } from 'zod';

/*
 * The gateway's internal events (Topic.gatewayUsage): never stored in `/events`, never delivered
 * as a webhook (INTERNAL_EVENT_TYPES). Only the events service's usage projection consumes them.
 */

/** Ours, not WorkOS's: a bucket's counts as one gateway process counted them in one minute. */
export const rateLimitUsageBucketSchema = z.object({
  /** api_key, public_ip, public_client_id, or a rule such as "GET /events per environment". */
  bucket: z.string().min(1),
  /** Requests this limit applied to, refused ones included. */
  requests: z.number().int().min(0),
  /** Requests this limit refused with a 429. */
  limited: z.number().int().min(0),
});

/**
 * One gateway process's counts of one closed UTC minute in one environment (the envelope's
 * environment_id). Increments: each replica publishes its own, and a minute may come in several
 * events (a restart mid-minute); consumers sum them, deduplicating on the event ID.
 */
export const rateLimitUsageRecordedSchema = z.object({
  object: z.literal('rate_limit_usage'),
  /** The minute's first instant, ISO 8601 UTC (`2026-12-06T15:04:00.000Z`). */
  minute: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/),
  buckets: z.array(rateLimitUsageBucketSchema).min(1).max(1000),
});
export type RateLimitUsageRecorded = z.infer<typeof rateLimitUsageRecordedSchema>;

/** The events the api-gateway publishes on Topic.gatewayUsage. */
export const rateLimitUsageEventSchemas = {
  'rate_limit.usage_recorded': rateLimitUsageRecordedSchema,
} as const;
