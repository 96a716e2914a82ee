import { Injectable } from '@nestjs/common';
import { pgTransaction, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { DeliveryAttempt } from '../generated/prisma/client';
import { StatementBatch } from './statement-batch';

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
  /* Claims and records from concurrent jobs share statements (see StatementBatch). */
  private readonly claims = new StatementBatch((items: { key: DeliveryKey; leaseMs: number }[]) => this.claimMany(items), 500, 2);
  private readonly records = new StatementBatch((items: { key: DeliveryKey; claimed: ClaimedDelivery; r: AttemptRecord }[]) => this.recordMany(items), 500, 2);

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
    const claimed = await this.claims.run({ key, leaseMs });
    if (claimed) return claimed;
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
    // The POST has happened: losing its record would send it again, so a failed batch is retried.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.records.run({ key, claimed, r });
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((res) => setTimeout(res, 100 * 2 ** attempt));
      }
    }
  }

  /*
   * The lease is written without waiting for the WAL flush (synchronous_commit off for this
   * transaction only): losing it in a Postgres crash only means another worker may attempt
   * again, which the recorded state, committed synchronously, still bounds.
   */
  private async claimMany(items: { key: DeliveryKey; leaseMs: number }[]): Promise<(ClaimedDelivery | null)[]> {
    const rows = await pgTransaction(this.prisma.pool, async (client) => {
      await client.query('SET LOCAL synchronous_commit = off');
      const result = await client.query<ClaimedDelivery & { event_id: string; endpoint_id: string }>(
        `UPDATE deliveries d SET lease_until = now() + make_interval(secs => i.lease_ms / 1000), updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::int[], $4::double precision[]) AS i(event_id, endpoint_id, generation, lease_ms),
           webhook_endpoints e, webhook_events ev
         WHERE d.event_id = i.event_id AND d.endpoint_id = i.endpoint_id AND d.generation = i.generation
           AND e.id = d.endpoint_id AND ev.id = d.event_id
           AND d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
           AND e.status = 'enabled'
         RETURNING d.event_id, d.endpoint_id, d.environment_id AS "environmentId", d.attempts, d.trigger, e.endpoint_url AS "endpointUrl",
           e.secret_sealed AS "secretSealed", e.previous_secret_sealed AS "previousSecretSealed",
           e.previous_secret_expires_at AS "previousSecretExpiresAt", ev.event AS "eventType", ev.body`,
        [items.map((i) => i.key.eventId), items.map((i) => i.key.endpointId), items.map((i) => i.key.generation), items.map((i) => i.leaseMs)],
      );
      return result.rows;
    });
    const byKey = new Map(rows.map((r) => [`${r.event_id} ${r.endpoint_id}`, r]));
    return items.map((i) => byKey.get(`${i.key.eventId} ${i.key.endpointId}`) ?? null);
  }

  /*
   * One statement records a batch of attempts: the attempt rows, each delivery's new state
   * (delivered; pending with its next due time; failed after the last attempt) and the
   * endpoints' failing streaks, touched only when a streak starts or ends (an endpoint with
   * any success in the batch is alive). Only rows still pending in the job's generation change,
   * so a record can never undo a recorded 2xx.
   */
  private async recordMany(items: { key: DeliveryKey; claimed: ClaimedDelivery; r: AttemptRecord }[]): Promise<boolean[]> {
    const col = <T>(f: (x: (typeof items)[number]) => T) => items.map(f);
    const { rows } = await this.prisma.pool.query<{ event_id: string; endpoint_id: string }>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bool[], $12::int[], $13::int[])
           AS t(event_id, endpoint_id, generation, status, next_attempt_at, error, attempt_id, environment_id, event_type, trigger, ok, status_code, latency_ms)
       ), d AS (
         UPDATE deliveries SET status = i.status, attempts = deliveries.attempts + 1, next_attempt_at = i.next_attempt_at, lease_until = NULL,
           last_error = i.error, delivered_at = CASE WHEN i.status = 'delivered' THEN now() END, updated_at = now()
         FROM input i
         WHERE deliveries.event_id = i.event_id AND deliveries.endpoint_id = i.endpoint_id AND deliveries.generation = i.generation AND deliveries.status = 'pending'
         RETURNING deliveries.event_id, deliveries.endpoint_id, deliveries.attempts
       ), done AS (
         SELECT i.*, d.attempts FROM input i JOIN d USING (event_id, endpoint_id)
       ), a AS (
         INSERT INTO delivery_attempts (id, environment_id, endpoint_id, event_id, event_type, attempt, trigger, status, status_code, latency_ms, error)
         SELECT attempt_id, environment_id, endpoint_id, event_id, event_type, attempts, trigger, CASE WHEN ok THEN 'succeeded' ELSE 'failed' END, status_code, latency_ms, error FROM done
       ), alive AS (
         UPDATE webhook_endpoints SET failing_since = NULL
         WHERE id IN (SELECT endpoint_id FROM done WHERE ok) AND failing_since IS NOT NULL
       ), failing AS (
         UPDATE webhook_endpoints SET failing_since = now()
         WHERE id IN (SELECT endpoint_id FROM done WHERE NOT ok) AND id NOT IN (SELECT endpoint_id FROM done WHERE ok) AND failing_since IS NULL
       )
       SELECT event_id, endpoint_id FROM d`,
      [
        col((x) => x.key.eventId),
        col((x) => x.key.endpointId),
        col((x) => x.key.generation),
        col((x) => (x.r.ok ? 'delivered' : x.r.nextAttemptAt ? 'pending' : 'failed')),
        col((x) => (x.r.ok ? null : x.r.nextAttemptAt)),
        col((x) => x.r.error),
        col((x) => x.r.attemptId),
        col((x) => x.claimed.environmentId),
        col((x) => x.claimed.eventType),
        col((x) => x.claimed.trigger),
        col((x) => x.r.ok),
        col((x) => x.r.statusCode),
        col((x) => x.r.latencyMs),
      ],
    );
    const recorded = new Set(rows.map((r) => `${r.event_id} ${r.endpoint_id}`));
    return items.map((x) => recorded.has(`${x.key.eventId} ${x.key.endpointId}`));
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
