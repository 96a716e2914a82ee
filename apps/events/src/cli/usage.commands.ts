import { CliUsageError, apiClient, listTable, API_OPTIONS, type CliCommand } from '@wos/platform/cli';
import { MONTH_PATTERN } from '../usage-core/calendar';

interface Usage {
  month: string;
  monthly_active_users: number;
  active_sso_connections: number;
  active_directories: number;
  daily_active_users: { date: string; count: number }[];
  rate_limits: { bucket: string; requests: number; limited: number }[];
}

/**
 * `wos usage [--month YYYY-MM] [--csv]`: GET /usage (the month's billing units, daily active
 * users and requests and 429s per rate-limit bucket) or, with --csv, GET /usage/export.csv (the
 * month's active users; with --rate-limits its rate-limit buckets) through the gateway; `--months`
 * is GET /usage/months, `--rate-limits [--minutes N]` the gateway's per-minute GET /usage/rate_limits.
 */
export const usageCommand: CliCommand = {
  name: '',
  summary: "an environment's usage of a month: monthly active users, active SSO connections and directories, requests and 429s per rate-limit bucket",
  options: {
    month: { type: 'string', value: 'YYYY-MM', description: 'the UTC month (default: the current one)' },
    csv: { type: 'boolean', description: "print the month's active users as CSV (user_id, first_active_at, last_active_at, reason); with --rate-limits its rate-limit buckets (bucket, requests, limited)" },
    months: { type: 'boolean', description: 'the billing units of every month with data, newest first (GET /usage/months)' },
    'rate-limits': { type: 'boolean', description: 'requests and 429s per minute and rate-limit bucket (GET /usage/rate_limits)' },
    minutes: { type: 'string', value: 'N', description: 'with --rate-limits: the last N minutes (default 60)' },
    ...API_OPTIONS,
  },
  async run(ctx) {
    const month = ctx.options.month;
    if (month !== undefined && (typeof month !== 'string' || !MONTH_PATTERN.test(month))) throw new CliUsageError('--month must be a month as YYYY-MM, e.g. 2026-12');
    const query = month ? `?month=${month}` : '';
    const api = apiClient(ctx);
    if (ctx.options.months) {
      const page = await api.call<{ data: Record<string, unknown>[] }>('GET', '/usage/months');
      ctx.result(page, () => listTable(page, ['month', 'monthly_active_users', 'active_sso_connections', 'active_directories']));
      return;
    }
    if (ctx.options.csv) {
      const report = ctx.options['rate-limits'] ? 'rate_limits' : undefined;
      const params = [month && `month=${month}`, report && `report=${report}`].filter(Boolean).join('&');
      // print() ends the text with a line break of its own.
      ctx.print((await api.callText('GET', `/usage/export.csv${params ? `?${params}` : ''}`)).replace(/\r\n$/, ''));
      return;
    }
    if (ctx.options['rate-limits']) {
      const minutes = ctx.options.minutes;
      if (minutes !== undefined && (typeof minutes !== 'string' || !/^\d{1,4}$/.test(minutes))) throw new CliUsageError('--minutes must be a whole number');
      const page = await api.call<{ data: Record<string, unknown>[] }>('GET', `/usage/rate_limits${minutes ? `?minutes=${minutes}` : ''}`);
      ctx.result(page, () => listTable(page, ['minute', 'bucket', 'requests', 'limited']));
      return;
    }
    const u = await api.call<Usage>('GET', `/usage${query}`);
    ctx.result(u, () =>
      [
        `month                   ${u.month}`,
        `monthly active users    ${u.monthly_active_users}`,
        `active SSO connections  ${u.active_sso_connections}`,
        `active directories      ${u.active_directories}`,
        '',
        listTable(u.daily_active_users as unknown as Record<string, unknown>[], ['date', 'count']),
        '',
        listTable((u.rate_limits ?? []) as unknown as Record<string, unknown>[], ['bucket', 'requests', 'limited']),
      ].join('\n'),
    );
  },
};
