import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';
import { USAGE_RETENTION_MINUTES } from './rate-limit-usage.service';

export const rateLimitUsageQuerySchema = z.object({
  minutes: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, `must be a whole number of minutes from 1 to ${USAGE_RETENTION_MINUTES}`)
    .transform(Number)
    .pipe(z.number().max(USAGE_RETENTION_MINUTES, `must be at most ${USAGE_RETENTION_MINUTES} (48 hours)`))
    .default(60)
    .describe(`How many minutes back, the current one included: 1 to ${USAGE_RETENTION_MINUTES}; 60 when absent.`),
});

export const rateLimitUsageSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      bucket: z.string().describe('api_key (the general limit of each API key), public_ip, public_client_id, or a rule such as "GET /events per environment".'),
      minute: z.string().describe('The minute (UTC, ISO 8601) the requests fell in.'),
      requests: z.number().int().describe('Requests this limit applied to, refused ones included.'),
      limited: z.number().int().describe('Requests this limit refused with a 429.'),
    }),
  ),
  list_metadata: z.object({ before: z.null(), after: z.null() }),
});

/** The gateway's own usage route, for the aggregated OpenAPI document. */
export const rateLimitUsageRoutes: RouteDoc[] = [
  { method: 'get', path: '/usage/rate_limits', summary: "Requests and 429s per minute and rate-limit bucket, for the caller's environment (48 hours kept)", query: rateLimitUsageQuerySchema, response: rateLimitUsageSchema },
];
