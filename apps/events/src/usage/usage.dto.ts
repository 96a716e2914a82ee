import { z } from 'zod';
import type { RouteDoc } from '@wos/platform';
import { MONTH_PATTERN } from '../usage-core/calendar';

const month = z.string().regex(MONTH_PATTERN, 'must be a month as YYYY-MM (UTC), e.g. 2026-12');

export const usageQuerySchema = z.object({
  month: month.optional().describe('The UTC calendar month, YYYY-MM; the current month when absent.'),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const exportQuerySchema = usageQuerySchema.extend({
  report: z
    .enum(['active_users', 'rate_limits'])
    .default('active_users')
    .describe('active_users (one line per active user; the default) or rate_limits (one line per rate-limit bucket: bucket, requests, limited).'),
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;

export const rateLimitMonthSchema = z.object({
  bucket: z.string().describe('api_key (the general limit of each API key), public_ip, public_client_id, or a rule such as "GET /events per environment".'),
  requests: z.number().int().describe('Requests this limit applied to in the month, refused ones included (exact).'),
  limited: z.number().int().describe('Requests this limit refused with a 429 in the month (exact).'),
});

const counts = {
  month: z.string().describe('YYYY-MM (UTC).'),
  monthly_active_users: z.number().int().describe('Users who signed up, signed in or had their profile updated in the month.'),
  active_sso_connections: z.number().int().describe('SSO connections active at any time in the month.'),
  active_directories: z.number().int().describe('Directories active at any time in the month.'),
};

export const usageSchema = z.object({
  object: z.literal('usage'),
  ...counts,
  daily_active_users: z.array(z.object({ date: z.string(), count: z.number().int() })).describe('Distinct active users per UTC day, every day of the month up to today.'),
  rate_limits: z
    .array(rateLimitMonthSchema)
    .describe("Requests and 429s per rate-limit bucket in the month, by bucket name; counted up to the end of the gateway's last closed minute (a minute is in within seconds of its end)."),
});
export type UsageWire = z.infer<typeof usageSchema>;

export const usageMonthSchema = z.object({ object: z.literal('usage_month'), ...counts });
export type UsageMonthWire = z.infer<typeof usageMonthSchema>;

export const usageMonthsSchema = z.object({
  object: z.literal('list'),
  data: z.array(usageMonthSchema).describe('From the current month back to the oldest month with data, newest first, at most 24.'),
  list_metadata: z.object({ before: z.null(), after: z.null() }),
});
export type UsageMonthsWire = z.infer<typeof usageMonthsSchema>;

export const usageRoutes: RouteDoc[] = [
  { method: 'get', path: '/usage', summary: 'Usage of a month: monthly active users, active SSO connections and directories, daily active users, requests and 429s per rate-limit bucket', query: usageQuerySchema, response: usageSchema },
  { method: 'get', path: '/usage/months', summary: 'Usage per month, newest first (24 months at most)', response: usageMonthsSchema },
  { method: 'get', path: '/usage/export.csv', summary: "A month's active users as CSV (user_id, first_active_at, last_active_at, reason), or with report=rate_limits its rate-limit buckets (bucket, requests, limited)", query: exportQuerySchema },
];
