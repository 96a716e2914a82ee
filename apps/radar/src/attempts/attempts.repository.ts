import { Injectable } from '@nestjs/common';
import { appendToOutbox, outboxInsertCte, withOutboxNotify, type OutboxMessage, type PageRequest } from '@wos/platform';
import type { Prisma, RadarAttempt } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';
import type { ListAttemptsQuery } from './attempts.dto';
import type { GeoPoint } from '../radar-core/travel';

/** The only Prisma caller for attempts and account history. Every method takes the environment first. */
@Injectable()
export class AttemptsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The attempt and its events in ONE statement (DESIGN.md rule 2): one round trip on the hot
   * path, atomic as any statement is. Postgres runs every data-modifying CTE to completion.
   */
  async create(a: RadarAttempt, events: OutboxMessage[]): Promise<void> {
    const outbox = outboxInsertCte(events, 24); // after the attempt's 23 parameters
    const text = withOutboxNotify(`attempt AS (
        INSERT INTO radar_attempts (id, environment_id, ip_address, user_agent, email, user_id, auth_method, action, verdict, reason, control, blocklist_type, findings, attempt_status, challenge_status, created_at, updated_at, country, device_hash, latitude, longitude, organization_id, related_attempt_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) RETURNING 1),
      ${outbox.cte}`);
    await this.prisma.pool.query(text, [
      a.id, a.environmentId, a.ipAddress, a.userAgent, a.email, a.userId, a.authMethod, a.action, a.verdict, a.reason, a.control, a.blocklistType,
      JSON.stringify(a.findings), a.attemptStatus, a.challengeStatus, a.createdAt, a.updatedAt, a.country, a.deviceHash, a.latitude, a.longitude, a.organizationId, a.relatedAttemptId, ...outbox.values,
    ]);
  }

  findById(environmentId: string, id: string): Promise<RadarAttempt | null> {
    return this.prisma.radarAttempt.findFirst({ where: { environmentId, id } });
  }

  /**
   * Records an outcome. A succeeded sign-in also becomes its account's last successful sign-in
   * (stale-account control), teaches radar its device, and succeeds the earlier attempt it
   * continued; the updates, the account and device rows and their events commit together.
   * Invariant: `radar.known_device.created` is written once per (account, device), by the one
   * transaction whose INSERT created the row, so a repeated or concurrent success adds none.
   */
  async recordOutcome(
    environmentId: string,
    id: string,
    outcome: { attemptStatus?: string; challengeStatus?: string },
    events: { updated: (a: RadarAttempt) => OutboxMessage; newDevice: (a: RadarAttempt, firstForAccount: boolean) => OutboxMessage },
  ): Promise<RadarAttempt | null> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.radarAttempt.findFirst({ where: { environmentId, id } });
      if (!found) return null;
      const updated = await tx.radarAttempt.update({ where: { id: found.id }, data: { ...outcome, updatedAt: new Date() } });
      const out: OutboxMessage[] = [events.updated(updated)];
      if (outcome.attemptStatus === 'success' && updated.action === 'sign-in') {
        // Where it came from too (impossible travel); an attempt GeoIP could not place clears it.
        const last = { lastSuccessAt: updated.updatedAt, lastSuccessIp: updated.ipAddress, lastSuccessLatitude: updated.latitude, lastSuccessLongitude: updated.longitude };
        await tx.radarAccount.upsert({
          where: { environmentId_email: { environmentId, email: updated.email } },
          create: { environmentId, email: updated.email, ...last },
          update: last,
        });
        if (updated.deviceHash) {
          const [row] = await tx.$queryRaw<{ inserted: boolean; others: number }[]>`
            WITH others AS (SELECT count(*)::int AS n FROM radar_known_devices WHERE environment_id = ${environmentId} AND email = ${updated.email} AND device_hash <> ${updated.deviceHash}),
            ins AS (INSERT INTO radar_known_devices (environment_id, email, device_hash, last_seen_at) VALUES (${environmentId}, ${updated.email}, ${updated.deviceHash}, ${updated.updatedAt})
              ON CONFLICT (environment_id, email, device_hash) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at RETURNING (xmax = 0) AS inserted)
            SELECT ins.inserted, others.n AS others FROM ins, others`;
          if (row?.inserted) out.push(events.newDevice(updated, row.others === 0));
        }
      }
      // The attempt this one continued shares its outcome: its sign-in succeeded, its challenge was passed.
      const related = updated.relatedAttemptId ? await tx.radarAttempt.findFirst({ where: { environmentId, id: updated.relatedAttemptId } }) : null;
      if (related) {
        const shared: { attemptStatus?: string; challengeStatus?: string } = {};
        if (outcome.attemptStatus === 'success' && !related.attemptStatus) shared.attemptStatus = 'success';
        if (outcome.challengeStatus === 'success' && related.verdict === 'challenge' && !related.challengeStatus) shared.challengeStatus = 'success';
        if (shared.attemptStatus || shared.challengeStatus) out.push(events.updated(await tx.radarAttempt.update({ where: { id: related.id }, data: { ...shared, updatedAt: updated.updatedAt } })));
      }
      await appendToOutbox(tx, out);
      return updated;
    });
  }

  /** Whether `domain` is a verified domain of the organization (organizations' events, projected). */
  async domainVerified(environmentId: string, organizationId: string, domain: string): Promise<boolean> {
    const { rows } = await this.prisma.pool.query<{ verified: boolean }>({
      name: 'radar_organization_domain_verified',
      text: `SELECT EXISTS (SELECT 1 FROM radar_organization_domains WHERE environment_id = $1 AND organization_id = $2 AND domain = $3 AND state = 'verified') AS verified`,
      values: [environmentId, organizationId, domain],
    });
    return rows[0]?.verified === true;
  }

  /**
   * What the account-level controls need, in one round trip on the hot path: the last successful
   * sign-in (radar_accounts) and the state of the newest Directory Sync user with this email
   * (radar_directory_users, written by the directory-users module's consumer).
   */
  async accountHistory(
    environmentId: string,
    email: string,
    deviceHash: string | null,
  ): Promise<{ lastSuccessAt?: Date; lastSuccessPoint?: GeoPoint; directoryState?: string; knownDevice?: boolean }> {
    const { rows } = await this.prisma.pool.query<{ last_success_at: Date | null; lat: number | null; lon: number | null; directory_state: string | null; devices: number; known: boolean | null }>({
      name: 'radar_account_history_v2',
      text: `SELECT a.last_success_at, a.last_success_latitude AS lat, a.last_success_longitude AS lon,
        (SELECT state FROM radar_directory_users WHERE environment_id = $1 AND email = $2 ORDER BY updated_at DESC LIMIT 1) AS directory_state,
        d.devices, d.known
        FROM (SELECT count(*)::int AS devices, bool_or(device_hash = $3) AS known FROM radar_known_devices WHERE environment_id = $1 AND email = $2) d
        LEFT JOIN radar_accounts a ON a.environment_id = $1 AND a.email = $2`,
      values: [environmentId, email, deviceHash],
    });
    const r = rows[0];
    // An account with no known device yet, or an attempt without a fingerprint, has nothing to compare.
    const knownDevice = deviceHash && r?.devices ? r.known === true : undefined;
    const lastSuccessPoint = r?.lat != null && r.lon != null ? { latitude: r.lat, longitude: r.lon } : undefined;
    return { lastSuccessAt: r?.last_success_at ?? undefined, lastSuccessPoint, directoryState: r?.directory_state ?? undefined, knownDevice };
  }

  /** Counts per time bucket, deciding control (`none` when none) and verdict, oldest first. */
  async stats(environmentId: string, interval: 'hour' | 'day', since: Date, until: Date): Promise<{ bucket: Date; control: string; verdict: string; count: number }[]> {
    const { rows } = await this.prisma.pool.query<{ bucket: Date; control: string; verdict: string; count: string }>(
      `SELECT date_trunc($2, created_at) AS bucket, COALESCE(control, 'none') AS control, verdict, count(*) AS count
       FROM radar_attempts WHERE environment_id = $1 AND created_at >= $3 AND created_at < $4
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [environmentId, interval, since, until],
    );
    return rows.map((r) => ({ bucket: r.bucket, control: r.control, verdict: r.verdict, count: Number(r.count) }));
  }

  list(environmentId: string, filter: Omit<ListAttemptsQuery, 'limit' | 'before' | 'after' | 'order'>, page: PageRequest): Promise<RadarAttempt[]> {
    const where: Prisma.RadarAttemptWhereInput = { environmentId };
    if (filter.verdict) where.verdict = filter.verdict;
    if (filter.control) where.control = filter.control;
    if (filter.email) where.email = filter.email.trim().toLowerCase();
    if (filter.ip_address) where.ipAddress = filter.ip_address;
    if (filter.action) where.action = filter.action;
    if (filter.country) where.country = filter.country.toUpperCase();
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.radarAttempt.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }
}
