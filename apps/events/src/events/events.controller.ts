import { Controller, Get, Query } from '@nestjs/common';
import type { ListEnvelope, PublicEvent } from '@wos/contracts';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { EventsService } from './events.service';
import { listEventsQuerySchema, type ListEventsQuery } from './events.dto';

@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  list(@EnvironmentId() environmentId: string, @Query(new ZodPipe(listEventsQuerySchema)) query: ListEventsQuery): Promise<ListEnvelope<PublicEvent>> {
    return this.events.list(environmentId, query);
  }
}
