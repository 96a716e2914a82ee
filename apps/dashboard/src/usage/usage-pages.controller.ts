import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConsoleService } from '../console/console.service';
import { usagePage, type UsageMonthView, type UsageView } from '../pages/usage.page';
import { GatewayConsoleClient, type RateLimitUsageView } from '../upstream/gateway-console.client';
import { query, UpstreamClient } from '../upstream/upstream.client';

/** The rate-limit table covers the last hour, minute by minute. */
const RATE_LIMIT_MINUTES = 60;

/**
 * A month as the caller wrote it, bounded; the events service checks it (a bad one is its 422,
 * shown on the page), so the console has no second month parser to keep in step. Absent: the
 * current UTC month, the events service's default.
 */
const monthParam = (v: unknown) => (typeof v === 'string' && v.trim() && v.length <= 16 ? v.trim() : undefined);

/**
 * The usage page of the selected environment: its billing units and daily active users (the
 * events service's usage projection), the month's active users as CSV, and the gateway's
 * rate-limit counts. Read-only: any member may see it, nothing here changes anything.
 */
@Controller('dashboard/e/:env')
export class UsagePagesController {
  constructor(
    private readonly console: ConsoleService,
    private readonly upstream: UpstreamClient,
    private readonly gateway: GatewayConsoleClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('usage')
  usage(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query('month') month: unknown) {
    return this.console.show(req, reply, env, 'usage', async (ctx) => {
      const [usage, months, rateLimits] = await Promise.all([
        this.upstream.must<UsageView>('events', env, 'GET', `/usage${query({ month: monthParam(month) })}`),
        this.upstream.must<{ data: UsageMonthView[] }>('events', env, 'GET', '/usage/months'),
        this.rateLimits(env),
      ]);
      return { html: usagePage(ctx, { base: this.config.PUBLIC_BASE_URL, usage, months: months.data, rateLimits, rateLimitMinutes: RATE_LIMIT_MINUTES }) };
    });
  }

  /** The events service's CSV (active users, or with report=rate_limits the buckets), streamed through to a signed-in member of any role. */
  @Get('usage/export.csv')
  exportCsv(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query('month') month: unknown, @Query('report') report: unknown) {
    return this.console.show(req, reply, env, 'usage', async () => {
      const m = monthParam(month);
      const file = await this.upstream.stream('events', env, `/usage/export.csv${query({ month: m, report: report === 'rate_limits' ? 'rate_limits' : undefined })}`);
      const named = /filename="([A-Za-z0-9._-]{1,120})"/.exec(file.contentDisposition ?? '')?.[1];
      return { download: { body: file.body, type: 'text/csv; charset=utf-8', filename: named ?? `usage-${env}-${m ?? 'current'}.csv` } };
    });
  }

  /** The gateway's counts, or null while its Redis cannot be read (the page says so; the rest still shows). */
  private async rateLimits(env: string): Promise<RateLimitUsageView[] | null> {
    try {
      return await this.gateway.rateLimits(env, RATE_LIMIT_MINUTES);
    } catch (err) {
      if (err instanceof DomainError && err.status === 503) return null;
      throw err;
    }
  }
}
