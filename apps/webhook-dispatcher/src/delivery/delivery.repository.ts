import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { DeliveryAttempt } from '../generated/prisma/client';

export interface IncomingEvent {
  id: string;
  environmentId: string;
  type: string;
  /** The public event JSON, exactly as it will be POSTed and signed. */
  body: string;
  createdAt: string;
}

export interface DeliveryKey {
  eventId: string;
  endpointId: string;
  generation: number;
}

export interface ClaimedDelivery {
  environmentId: string;
  attempts: number;
  trigger: string;
  endpointUrl: string;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
  eventType: string;
  body: string;
}

/** Why a job could not claim its delivery, and what it should do instead. */
export type ClaimRefusal = { kind: 'done' } | { kind: 'endpoint_disabled' } | { kind: 'later'; at: Date };

export interface AttemptRecord {
  attemptId: string;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** Null when this was the last attempt the schedule allows (the delivery fails for good). */
  nextAttemptAt: Date | null;
}

export const CONSUMER = 'webhook-dispatcher';

/**
 * Deliveries, their events and attempts. Postgres is the source of truth; BullMQ only wakes
 * workers. Hot-path statements are hand-written SQL on the pool under Prisma, one round trip each.
 */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One statement, so one transaction, per consumed chunk: the inbox claim, the event body
   * (stored once, only when some endpoint wants it) and one pending delivery per (event,
   * enabled endpoint of the same environment subscribed to its type, registered before it).
   * A redelivered chunk finds its events in the inbox and creates nothing.
   * The one statement without an environment parameter: each event carries its own.
   */
  async ingest(events: IncomingEvent[]): Promise<DeliveryKey[]> {
    if (!events.length) return [];
    const { rows } = await this.prisma.pool.query<{ event_id: string; endpoint_id: string }>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t(id, environment_id, type, body, created_at)
       ), fresh AS (
         INSERT INTO inbox (consumer, event_id) SELECT $6, id FROM input ON CONFLICT DO NOTHING RETURNING event_id
       ), matched AS (
         SELECT i.id AS event_id, e.id AS endpoint_id, i.environment_id
         FROM input i JOIN fresh f ON f.event_id = i.id
         JOIN webhook_endpoints e ON e.environment_id = i.environment_id AND e.status = 'enabled'
           AND i.type = ANY (e.events) AND e.created_at <= i.created_at
       ), stored AS (
         INSERT INTO webhook_events (id, environment_id, event, body, created_at)
         SELECT i.id, i.environment_id, i.type, i.body, i.created_at FROM input i WHERE i.id IN (SELECT event_id FROM matched)
         ON CONFLICT DO NOTHING
       )
       INSERT INTO deliveries (event_id, endpoint_id, environment_id, status, next_attempt_at)
       SELECT event_id, endpoint_id, environment_id, 'pending', now() FROM matched
       ON CONFLICT DO NOTHING
       RETURNING event_id, endpoint_id`,
      [events.map((e) => e.id), events.map((e) => e.environmentId), events.map((e) => e.type), events.map((e) => e.body), events.map((e) => e.createdAt), CONSUMER],
    );
    return rows.map((r) => ({ eventId: r.event_id, endpointId: r.endpoint_id, generation: 0 }));
  }

  /**
   * Takes the right to make the next attempt: only a pending delivery of this generation, due
   * now, not leased, to an enabled endpoint. Invariant: a delivered or failed row is never
   * claimed, so nothing is sent again after a recorded 2xx, whatever Redis holds.
   */
  async claim(key: DeliveryKey, leaseMs: number): Promise<ClaimedDelivery | ClaimRefusal> {
    const { rows } = await this.prisma.pool.query<ClaimedDelivery>(
      `UPDATE deliveries d SET lease_until = now() + make_interval(secs => $4::double precision / 1000), updated_at = now()
       FROM webhook_endpoints e, webhook_events ev
       WHERE d.event_id = $1 AND d.endpoint_id = $2 AND d.generation = $3 AND e.id = d.endpoint_id AND ev.id = d.event_id
         AND d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
         AND e.status = 'enabled'
       RETURNING d.environment_id AS "environmentId", d.attempts, d.trigger, e.endpoint_url AS "endpointUrl",
         e.secret_sealed AS "secretSealed", e.previous_secret_sealed AS "previousSecretSealed",
         e.previous_secret_expires_at AS "previousSecretExpiresAt", ev.event AS "eventType", ev.body`,
      [key.eventId, key.endpointId, key.generation, leaseMs],
    );
    if (rows[0]) return rows[0];
    const state = await this.prisma.pool.query<{ status: string; generation: number; next_attempt_at: Date | null; lease_until: Date | null; endpoint_status: string; now: Date }>(
      `SELECT d.status, d.generation, d.next_attempt_at, d.lease_until, e.status AS endpoint_status, now() AS now
       FROM deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.event_id = $1 AND d.endpoint_id = $2`,
      [key.eventId, key.endpointId],
    );
    const s = state.rows[0];
    if (!s || s.status !== 'pending' || s.generation !== key.generation) return { kind: 'done' };
    if (s.endpoint_status !== 'enabled') return { kind: 'endpoint_disabled' };
    const leased = s.lease_until && s.lease_until > s.now ? s.lease_until : null;
    const due = s.next_attempt_at && s.next_attempt_at > s.now ? s.next_attempt_at : null;
    const at = [leased, due].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0];
    // Translate the database's clock into this process's, since the job is delayed by ours.
    return { kind: 'later', at: new Date(Date.now() + Math.max(0, (at?.getTime() ?? s.now.getTime()) - s.now.getTime())) };
  }

  /**
   * Records one attempt and its outcome in one statement: the attempt row, the delivery's new
   * state (delivered, failed, or pending with its next due time) and the endpoint's failing
   * streak. Touches the endpoint row only when the streak starts or ends, so busy endpoints do
   * not serialise on it. Returns false when the delivery was no longer ours (already recorded).
   */
  async record(key: DeliveryKey, claimed: ClaimedDelivery, r: AttemptRecord): Promise<boolean> {
    const status = r.ok ? 'delivered' : r.nextAttemptAt ? 'pending' : 'failed';
    const { rows } = await this.prisma.pool.query<{ recorded: boolean }>(
      `WITH d AS (
         UPDATE deliveries SET status = $4, attempts = attempts + 1, next_attempt_at = $5, lease_until = NULL,
           last_error = $6, delivered_at = CASE WHEN $4 = 'delivered' THEN now() END, updated_at = now()
         WHERE event_id = $1 AND endpoint_id = $2 AND generation = $3 AND status = 'pending'
         RETURNING attempts
       ), a AS (
         INSERT INTO delivery_attempts (id, environment_id, endpoint_id, event_id, event_type, attempt, trigger, status, status_code, latency_ms, error)
         SELECT $7, $8, $2, $1, $9, d.attempts, $10, CASE WHEN $11 THEN 'succeeded' ELSE 'failed' END, $12, $13, $6 FROM d
       ), streak AS (
         UPDATE webhook_endpoints SET failing_since = CASE WHEN $11 THEN NULL ELSE now() END
         WHERE id = $2 AND (CASE WHEN $11 THEN failing_since IS NOT NULL ELSE failing_since IS NULL END) AND EXISTS (SELECT 1 FROM d)
       )
       SELECT EXISTS (SELECT 1 FROM d) AS recorded`,
      [key.eventId, key.endpointId, key.generation, status, r.ok ? null : r.nextAttemptAt, r.error, r.attemptId, claimed.environmentId, claimed.eventType, claimed.trigger, r.ok, r.statusCode, r.latencyMs],
    );
    return rows[0]?.recorded === true;
  }

  /** Disables an endpoint whose failing streak is older than `afterMs`; true when this call did it. */
  async disableIfFailingTooLong(endpointId: string, afterMs: number): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = 'failing', disabled_at = now(), updated_at = now()
      WHERE id = ${endpointId} AND status = 'enabled' AND failing_since IS NOT NULL
        AND failing_since <= now() - make_interval(secs => ${afterMs}::double precision / 1000)`;
    return n > 0;
  }

  /** A pending delivery to an endpoint that was disabled ends as failed. */
  async failForDisabledEndpoint(key: DeliveryKey): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, lease_until = NULL, last_error = 'endpoint disabled', updated_at = now()
      WHERE event_id = ${key.eventId} AND endpoint_id = ${key.endpointId} AND generation = ${key.generation} AND status = 'pending'`;
  }

  /**
   * Pending deliveries that should have a job: all of them (`dueBefore` null, at startup) or
   * those overdue past the grace time and not leased (periodically). Keyset-paged by due time.
   */
  async pendingForReconcile(dueBefore: Date | null, after: { at: Date; eventId: string; endpointId: string } | null, limit: number) {
    const { rows } = await this.prisma.pool.query<{ event_id: string; endpoint_id: string; generation: number; next_attempt_at: Date }>(
      `SELECT event_id, endpoint_id, generation, next_attempt_at FROM deliveries
       WHERE status = 'pending' AND ($1::timestamptz IS NULL OR (next_attempt_at < $1 AND (lease_until IS NULL OR lease_until < now())))
         AND ($2::timestamptz IS NULL OR (next_attempt_at, event_id, endpoint_id) > ($2, $3, $4))
       ORDER BY next_attempt_at, event_id, endpoint_id LIMIT $5`,
      [dueBefore, after?.at ?? null, after?.eventId ?? null, after?.endpointId ?? null, limit],
    );
    return rows;
  }

  listAttempts(environmentId: string, endpointId: string, req: PageRequest): Promise<DeliveryAttempt[]> {
    return this.prisma.deliveryAttempt.findMany({
      where: { environmentId, endpointId, ...(req.cursor ? { id: { [req.cursor.op]: req.cursor.id } } : {}) },
      orderBy: { id: req.direction },
      take: req.take,
    });
  }

  /**
   * (Re)queues deliveries of stored events to one endpoint: new rows for events it never had,
   * and a fresh generation (attempts reset, due now) for existing ones, whatever their state.
   * `events` null means every stored event of the environment in [rangeStart, rangeEnd) whose
   * type the endpoint subscribes to.
   */
  async requeue(
    environmentId: string,
    endpointId: string,
    trigger: 'redelivery' | 'replay',
    select: { eventId: string } | { rangeStart: Date; rangeEnd: Date; limit: number },
  ): Promise<DeliveryKey[]> {
    const byId = 'eventId' in select;
    const { rows } = await this.prisma.pool.query<{ event_id: string; generation: number }>(
      `INSERT INTO deliveries (event_id, endpoint_id, environment_id, status, next_attempt_at, trigger)
       SELECT ev.id, e.id, ev.environment_id, 'pending', now(), $3
       FROM webhook_events ev JOIN webhook_endpoints e ON e.id = $2 AND e.environment_id = ev.environment_id
       WHERE ev.environment_id = $1
         AND ${byId ? 'ev.id = $4' : "ev.event = ANY (e.events) AND ev.created_at >= $4::timestamptz AND ev.created_at < $5::timestamptz"}
       ${byId ? '' : 'ORDER BY ev.created_at LIMIT $6'}
       ON CONFLICT (event_id, endpoint_id) DO UPDATE SET status = 'pending', attempts = 0, generation = deliveries.generation + 1,
         next_attempt_at = now(), lease_until = NULL, trigger = EXCLUDED.trigger, last_error = NULL, delivered_at = NULL, updated_at = now()
       RETURNING event_id, generation`,
      byId ? [environmentId, endpointId, trigger, select.eventId] : [environmentId, endpointId, trigger, select.rangeStart, select.rangeEnd, select.limit],
    );
    return rows.map((r) => ({ eventId: r.event_id, endpointId, generation: r.generation }));
  }

  async endpointStatus(environmentId: string, endpointId: string): Promise<string | null> {
    const e = await this.prisma.webhookEndpoint.findFirst({ where: { environmentId, id: endpointId }, select: { status: true } });
    return e?.status ?? null;
  }

  async eventExists(environmentId: string, eventId: string): Promise<boolean> {
    return (await this.prisma.webhookEvent.count({ where: { environmentId, id: eventId } })) > 0;
  }

  async findDelivery(environmentId: string, eventId: string, endpointId: string) {
    return this.prisma.delivery.findFirst({ where: { environmentId, eventId, endpointId } });
  }
}
