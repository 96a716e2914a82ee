import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { DomainEventsConsumer } from './consumers/domain-events.consumer';
import { UsageModule } from '../usage/usage.module';

@Module({
  imports: [UsageModule],
  controllers: [EventsController, DomainEventsConsumer],
  providers: [EventsRepository, EventsService],
  exports: [EventsService],
})
export class EventsModule {}
