import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { rateLimitUsageRecordedSchema, type EventEnvelope } from '@wos/contracts';
import { LOGGER, type Logger } from '@wos/platform';
import { activityOf, type Activity, type ProjectedEvent } from '../usage-core/activity';
import { activeInMonth, transitionOf } from '../usage-core/billable';
import { chartDays, monthOf, monthRange, monthsBackTo } from '../usage-core/calendar';
import { csvLine, EXPORT_HEADER, exportLine, RATE_LIMITS_HEADER, rateLimitLine } from '../usage-core/usage-csv';
import { UsageRepository, type EnvironmentTransition, type RateLimitUsageIncrement } from './usage.repository';
import type { UsageMonthWire, UsageMonthsWire, UsageWire } from './usage.dto';

/** How many months GET /usage/months reaches back, the current one included. */
export const MAX_MONTHS = 24;
/* Rows read per query while writing the CSV export. */
const EXPORT_PAGE = 5_000;

@Injectable()
export class UsageService {
  constructor(
    private readonly repository: UsageRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Adds the gateway's rate_limit.usage_recorded events to the month's sums: exactly once per
   * event ID (the inbox claim and the sums are one statement; a chunk that repeats an ID counts
   * it once). An event the contract refuses is logged and skipped, never retried forever.
   */
  async recordRateLimitUsage(events: EventEnvelope[]): Promise<void> {
    const increments: RateLimitUsageIncrement[] = [];
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      const data = rateLimitUsageRecordedSchema.safeParse(e.data);
      if (!data.success) {
        this.logger.error({ id: e.id, issues: data.error.issues.slice(0, 3) }, 'skipping a rate-limit usage event the contract refuses');
        continue;
      }
      const month = data.data.minute.slice(0, 7);
      for (const b of data.data.buckets) increments.push({ eventId: e.id, environmentId: e.environment_id, month, bucket: b.bucket, requests: b.requests, limited: b.limited });
    }
    await this.repository.applyRateLimitUsage(increments);
  }

  /**
   * Applies newly stored events to the aggregates, on the transaction that stores them (so the
   * event row is this projection's inbox record: an event stored once is projected once). The
   * writes are idempotent on their own as well, so an event stored again after the retention
   * removed it changes nothing either.
   */
  async project(client: PoolClient, events: ProjectedEvent[]): Promise<void> {
    const activities: Activity[] = [];
    const transitions: EnvironmentTransition[] = [];
    for (const e of events) {
      const a = activityOf(e);
      if (a) activities.push(a);
      const t = transitionOf(e);
      if (t) transitions.push({ ...t, environmentId: e.environmentId });
    }
    await this.repository.applyActivities(client, activities);
    await this.repository.applyTransitions(client, transitions);
  }

  async usage(environmentId: string, month: string | undefined, now = new Date()): Promise<UsageWire> {
    const m = month ?? monthOf(now);
    const days = chartDays(m, now);
    const [mau, transitions, daily, rateLimits] = await Promise.all([
      this.repository.monthlyActiveUsers(environmentId, m),
      this.repository.transitionsBefore(environmentId, monthRange(m).end),
      days.length ? this.repository.dailyActiveUsers(environmentId, days[0]!, days.at(-1)!) : new Map<string, number>(),
      this.repository.rateLimitsOfMonth(environmentId, m),
    ]);
    const billable = activeInMonth(transitions, m);
    return {
      object: 'usage',
      month: m,
      monthly_active_users: mau,
      active_sso_connections: billable.sso_connection,
      active_directories: billable.directory,
      daily_active_users: days.map((date) => ({ date, count: daily.get(date) ?? 0 })),
      rate_limits: rateLimits,
    };
  }

  /** Every month from the current one back to the oldest with data (at most MAX_MONTHS), newest first. */
  async months(environmentId: string, now = new Date()): Promise<UsageMonthsWire> {
    const current = monthOf(now);
    const oldest = await this.repository.oldestMonth(environmentId);
    const months = oldest ? monthsBackTo(current, oldest, MAX_MONTHS) : [];
    if (!months.length) return { object: 'list', data: [], list_metadata: { before: null, after: null } };
    const [mau, transitions] = await Promise.all([
      this.repository.monthlyActiveUsersSince(environmentId, months.at(-1)!),
      this.repository.transitionsBefore(environmentId, monthRange(current).end),
    ]);
    const data = months.map((month): UsageMonthWire => {
      const billable = activeInMonth(transitions, month);
      return { object: 'usage_month', month, monthly_active_users: mau.get(month) ?? 0, active_sso_connections: billable.sso_connection, active_directories: billable.directory };
    });
    return { object: 'list', data, list_metadata: { before: null, after: null } };
  }

  /** The month's CSV: a header, then one line per active user in user ID order. */
  async *exportCsv(environmentId: string, month: string): AsyncGenerator<string> {
    yield csvLine(EXPORT_HEADER);
    for (let after: string | null = null; ; ) {
      const page = await this.repository.activeUsersPage(environmentId, month, after, EXPORT_PAGE);
      if (page.length) yield page.map(exportLine).join('');
      if (page.length < EXPORT_PAGE) return;
      after = page.at(-1)!.userId;
    }
  }

  /** The month's rate-limit CSV: a header, then one line per bucket by name. */
  async *exportRateLimitsCsv(environmentId: string, month: string): AsyncGenerator<string> {
    yield csvLine(RATE_LIMITS_HEADER);
    const rows = await this.repository.rateLimitsOfMonth(environmentId, month);
    if (rows.length) yield rows.map(rateLimitLine).join('');
  }
}
