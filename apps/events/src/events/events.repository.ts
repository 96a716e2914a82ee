import { Injectable } from '@nestjs/common';
import type { PublicEvent } from '@wos/contracts';
import type { PoolClient } from 'pg';
import { pgTransaction } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma } from '../generated/prisma/client';

export interface NewEvent {
  id: string;
  environmentId: string;
  event: string;
  organizationId: string | null;
  payload: PublicEvent;
  createdAt: string;
}

export interface EventQuery {
  types: string[];
  organizationId?: string;
  rangeStart?: Date;
  rangeEnd?: Date;
  seq?: { gt?: bigint; lt?: bigint };
  direction: 'asc' | 'desc';
  take: number;
}

@Injectable()
export class EventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores a consumed chunk in one statement, in message order, so `seq` follows the order the
   * events arrived in. The unique `id` is this consumer's idempotency record, written in the
   * same statement as the effect, which is why the service needs no separate inbox table: a
   * redelivered event (or a duplicate within the chunk) inserts nothing.
   * Invariant (the `after` cursor relies on it): seq values are taken and committed by one
   * inserter at a time. The transaction-scoped advisory lock is held from before the insert takes
   * its seq values until after its commit is visible, so no transaction can ever commit a seq
   * below one a poller has already seen; without it, a replica committing late would slip
   * events under a cursor that had moved past them (review M5).
   * The one method without an environment parameter: each row carries its own environment_id.
   * `alsoWithNew` runs in the same transaction with the events that were new (the usage
   * projection), so their effect commits with their rows or not at all.
   */
  async insertInOrder(rows: NewEvent[], alsoWithNew?: (client: PoolClient, stored: NewEvent[]) => Promise<void>): Promise<number> {
    if (!rows.length) return 0;
    return pgTransaction(this.prisma.pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('events.seq'))`);
      const { rows: inserted } = await client.query<{ id: string }>(
        `INSERT INTO "events" ("id", "environment_id", "event", "organization_id", "payload", "created_at")
         SELECT t.id, t.environment_id, t.event, t.organization_id, t.payload, t.created_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[])
           WITH ORDINALITY AS t(id, environment_id, event, organization_id, payload, created_at, ord)
         ORDER BY t.ord
         ON CONFLICT ("id") DO NOTHING
         RETURNING "id"`,
        [rows.map((r) => r.id), rows.map((r) => r.environmentId), rows.map((r) => r.event), rows.map((r) => r.organizationId), rows.map((r) => JSON.stringify(r.payload)), rows.map((r) => r.createdAt)],
      );
      if (alsoWithNew && inserted.length) {
        // The rows this statement stored (a duplicate inside the chunk once): the projections
        // that run here see each event once, in the same transaction as its row.
        const fresh = new Set(inserted.map((r) => r.id));
        await alsoWithNew(client, rows.filter((r) => fresh.delete(r.id)));
      }
      return inserted.length;
    });
  }

  /** The position of an event in this environment, or null when the environment has no such event. */
  async findSeq(environmentId: string, id: string): Promise<bigint | null> {
    const row = await this.prisma.storedEvent.findFirst({ where: { environmentId, id }, select: { seq: true } });
    return row?.seq ?? null;
  }

  async list(environmentId: string, q: EventQuery): Promise<PublicEvent[]> {
    const where: Prisma.StoredEventWhereInput = {
      environmentId,
      event: { in: q.types },
      ...(q.organizationId !== undefined ? { organizationId: q.organizationId } : {}),
      ...(q.rangeStart || q.rangeEnd ? { createdAt: { gte: q.rangeStart, lt: q.rangeEnd } } : {}),
      ...(q.seq ? { seq: q.seq } : {}),
    };
    const rows = await this.prisma.storedEvent.findMany({ where, orderBy: { seq: q.direction }, take: q.take, select: { payload: true } });
    return rows.map((r) => r.payload as unknown as PublicEvent);
  }
}
