import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { PrismaService } from '../infra/prisma.service';
import type { Activity } from '../usage-core/activity';
import type { Transition } from '../usage-core/billable';
import { dayOf, monthOf } from '../usage-core/calendar';

export interface ActiveUserRow {
  userId: string;
  firstActiveAt: Date;
  lastActiveAt: Date;
  reason: string;
}

export type EnvironmentTransition = Transition & { environmentId: string };

/** One bucket of one rate_limit.usage_recorded event. */
export interface RateLimitUsageIncrement {
  eventId: string;
  environmentId: string;
  /** YYYY-MM (UTC). */
  month: string;
  bucket: string;
  requests: number;
  limited: number;
}

export interface RateLimitMonthRow {
  bucket: string;
  requests: number;
  limited: number;
}

/** The platform inbox's consumer name for the rate-limit usage projection. */
export const RATE_LIMIT_USAGE_INBOX = 'events.rate_limit_usage';

/* A bare date column as the `YYYY-MM-DD` it stores (Prisma hands back UTC midnight). */
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The usage aggregates. Writes run on the events consumer's transaction client (the same
 * transaction that stores the events); reads take the environment first, like every repository.
 * Invariant: every write is keyed so that applying an event twice changes nothing:
 * (environment, month, user) keeps the earliest first activity and its reason and the latest
 * last activity whatever order events arrive in; (environment, day, user) exists or not; a
 * transition is keyed by its event ID.
 */
@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  async applyActivities(client: PoolClient, activities: Activity[]): Promise<void> {
    if (!activities.length) return;
    const env = activities.map((a) => a.environmentId);
    const user = activities.map((a) => a.userId);
    const at = activities.map((a) => a.at.toISOString());
    // Sorted so that concurrent chunks lock the same rows in the same order (no deadlocks), and
    // folded per key first, because one INSERT … ON CONFLICT cannot touch a row twice.
    await client.query(
      `INSERT INTO "usage_monthly_active_users" ("environment_id", "month", "user_id", "first_active_at", "last_active_at", "reason")
       SELECT t.environment_id, t.month::date, t.user_id, min(t.at), max(t.at), (array_agg(t.reason ORDER BY t.at, t.reason))[1]
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS t(environment_id, month, user_id, at, reason)
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
       ON CONFLICT ("environment_id", "month", "user_id") DO UPDATE SET
         "reason" = CASE WHEN EXCLUDED."first_active_at" < "usage_monthly_active_users"."first_active_at" THEN EXCLUDED."reason" ELSE "usage_monthly_active_users"."reason" END,
         "first_active_at" = LEAST("usage_monthly_active_users"."first_active_at", EXCLUDED."first_active_at"),
         "last_active_at" = GREATEST("usage_monthly_active_users"."last_active_at", EXCLUDED."last_active_at")`,
      [env, activities.map((a) => `${monthOf(a.at)}-01`), user, at, activities.map((a) => a.reason)],
    );
    await client.query(
      `INSERT INTO "usage_daily_active_users" ("environment_id", "day", "user_id")
       SELECT DISTINCT t.environment_id, t.day::date, t.user_id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS t(environment_id, day, user_id)
       ORDER BY 1, 2, 3
       ON CONFLICT DO NOTHING`,
      [env, activities.map((a) => dayOf(a.at)), user],
    );
  }

  async applyTransitions(client: PoolClient, transitions: EnvironmentTransition[]): Promise<void> {
    if (!transitions.length) return;
    await client.query(
      `INSERT INTO "usage_billable_transitions" ("event_id", "environment_id", "kind", "entity_id", "active", "at")
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[])
       ON CONFLICT ("event_id") DO NOTHING`,
      [transitions.map((t) => t.eventId), transitions.map((t) => t.environmentId), transitions.map((t) => t.kind), transitions.map((t) => t.entityId), transitions.map((t) => t.active), transitions.map((t) => t.at.toISOString())],
    );
  }

  /**
   * Adds the increments of events not applied before, in one statement (so atomic on its own):
   * each event ID is claimed in the platform's inbox, and only the claimed events' increments are
   * summed into (environment, month, bucket). Callers pass each event's buckets once.
   */
  async applyRateLimitUsage(increments: RateLimitUsageIncrement[]): Promise<void> {
    if (!increments.length) return;
    await this.prisma.pool.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::bigint[], $6::bigint[]) AS t(event_id, environment_id, month, bucket, requests, limited)
       ), claimed AS (
         INSERT INTO "inbox" ("consumer", "event_id")
         SELECT DISTINCT $7::text, event_id FROM input ORDER BY 2
         ON CONFLICT DO NOTHING
         RETURNING "event_id"
       )
       INSERT INTO "usage_rate_limits" ("environment_id", "month", "bucket", "requests", "limited")
       SELECT i.environment_id, i.month, i.bucket, sum(i.requests), sum(i.limited)
       FROM input i JOIN claimed c ON c.event_id = i.event_id
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
       ON CONFLICT ("environment_id", "month", "bucket") DO UPDATE SET
         "requests" = "usage_rate_limits"."requests" + EXCLUDED."requests",
         "limited" = "usage_rate_limits"."limited" + EXCLUDED."limited"`,
      [
        increments.map((i) => i.eventId),
        increments.map((i) => i.environmentId),
        increments.map((i) => `${i.month}-01`),
        increments.map((i) => i.bucket),
        increments.map((i) => i.requests),
        increments.map((i) => i.limited),
        RATE_LIMIT_USAGE_INBOX,
      ],
    );
  }

  /** The month's requests and 429s per rate-limit bucket, by bucket name. */
  async rateLimitsOfMonth(environmentId: string, month: string): Promise<RateLimitMonthRow[]> {
    const rows = await this.prisma.usageRateLimit.findMany({ where: { environmentId, month: new Date(`${month}-01T00:00:00Z`) }, orderBy: { bucket: 'asc' } });
    return rows.map((r) => ({ bucket: r.bucket, requests: Number(r.requests), limited: Number(r.limited) }));
  }

  async monthlyActiveUsers(environmentId: string, month: string): Promise<number> {
    return this.prisma.usageMonthlyActiveUser.count({ where: { environmentId, month: new Date(`${month}-01T00:00:00Z`) } });
  }

  /** MAU per month from `oldest` on, for the months that have any. */
  async monthlyActiveUsersSince(environmentId: string, oldest: string): Promise<Map<string, number>> {
    const rows = await this.prisma.usageMonthlyActiveUser.groupBy({
      by: ['month'],
      where: { environmentId, month: { gte: new Date(`${oldest}-01T00:00:00Z`) } },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [isoDate(r.month).slice(0, 7), r._count._all]));
  }

  /** Distinct active users per day in [from, to] (YYYY-MM-DD), for the days that have any. */
  async dailyActiveUsers(environmentId: string, from: string, to: string): Promise<Map<string, number>> {
    const rows = await this.prisma.usageDailyActiveUser.groupBy({
      by: ['day'],
      where: { environmentId, day: { gte: new Date(`${from}T00:00:00Z`), lte: new Date(`${to}T00:00:00Z`) } },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [isoDate(r.day), r._count._all]));
  }

  /** The oldest month with an active user or a billable transition, or null. */
  async oldestMonth(environmentId: string): Promise<string | null> {
    const [user, transition] = await Promise.all([
      this.prisma.usageMonthlyActiveUser.findFirst({ where: { environmentId }, orderBy: { month: 'asc' }, select: { month: true } }),
      this.prisma.usageBillableTransition.findFirst({ where: { environmentId }, orderBy: { at: 'asc' }, select: { at: true } }),
    ]);
    const months = [user && isoDate(user.month).slice(0, 7), transition && monthOf(transition.at)].filter((m): m is string => !!m);
    return months.length ? months.sort()[0]! : null;
  }

  /** Every transition of the environment before `end`: the input of the carry-over rule. */
  async transitionsBefore(environmentId: string, end: Date): Promise<Transition[]> {
    const rows = await this.prisma.usageBillableTransition.findMany({ where: { environmentId, at: { lt: end } }, orderBy: [{ at: 'asc' }, { eventId: 'asc' }] });
    return rows.map((r) => ({ eventId: r.eventId, kind: r.kind as Transition['kind'], entityId: r.entityId, active: r.active, at: r.at }));
  }

  /** One page of a month's active users, by user ID after `afterUserId`. */
  async activeUsersPage(environmentId: string, month: string, afterUserId: string | null, take: number): Promise<ActiveUserRow[]> {
    return this.prisma.usageMonthlyActiveUser.findMany({
      where: { environmentId, month: new Date(`${month}-01T00:00:00Z`), ...(afterUserId ? { userId: { gt: afterUserId } } : {}) },
      orderBy: { userId: 'asc' },
      take,
      select: { userId: true, firstActiveAt: true, lastActiveAt: true, reason: true },
    });
  }
}
