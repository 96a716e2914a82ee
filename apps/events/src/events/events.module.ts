import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { DomainEventsConsumer } from './consumers/domain-events.consumer';

@Module({
  controllers: [EventsController],
  providers: [EventsRepository, EventsService, DomainEventsConsumer],
  exports: [EventsService],
})
export class EventsModule {}
