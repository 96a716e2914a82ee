import { Injectable } from '@nestjs/common';
import type { ListEnvelope, PublicEvent } from '@wos/contracts';
import { ValidationError } from '@wos/platform';
import { UsageService } from '../usage/usage.service';
import { EventsRepository, type EventQuery, type NewEvent } from './events.repository';
import { toEventList, type ListEventsQuery } from './events.dto';

@Injectable()
export class EventsService {
  constructor(
    private readonly repository: EventsRepository,
    private readonly usage: UsageService,
  ) {}

  /**
   * Stores consumed events once each, keeping their order, and projects the new ones into the
   * usage aggregates in the same transaction; returns how many were new.
   */
  record(events: NewEvent[]): Promise<number> {
    return this.repository.insertInOrder(events, (client, stored) =>
      this.usage.project(client, stored.map((e) => ({ id: e.id, environmentId: e.environmentId, event: e.event, data: e.payload.data, createdAt: e.createdAt }))),
    );
  }

  async list(environmentId: string, query: ListEventsQuery): Promise<ListEnvelope<PublicEvent>> {
    const base = {
      types: query.events,
      organizationId: query.organization_id,
      rangeStart: query.range_start,
      rangeEnd: query.range_end,
      take: query.limit,
    };
    const asc = query.order === 'asc';
    if (query.before) {
      // Walk away from the cursor, nearest first, then restore the requested order.
      const seq = await this.resolveCursor(environmentId, 'before', query.before);
      const rows = await this.repository.list(environmentId, { ...base, seq: asc ? { lt: seq } : { gt: seq }, direction: asc ? 'desc' : 'asc' });
      return toEventList(rows.reverse());
    }
    const q: EventQuery = { ...base, direction: query.order };
    if (query.after) {
      const seq = await this.resolveCursor(environmentId, 'after', query.after);
      q.seq = asc ? { gt: seq } : { lt: seq };
    }
    return toEventList(await this.repository.list(environmentId, q));
  }

  /** A cursor is an event ID of the caller's environment; anything else is a 422, never a silent empty page. */
  private async resolveCursor(environmentId: string, field: 'after' | 'before', id: string): Promise<bigint> {
    const seq = await this.repository.findSeq(environmentId, id);
    if (seq === null) {
      throw new ValidationError([{ field, code: `${field}_invalid`, message: `${field} must be the ID of an event in this environment; ${id} is not.` }]);
    }
    return seq;
  }
}
