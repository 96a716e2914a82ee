import { Module } from '@nestjs/common';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { DeliveriesService } from './deliveries.service';
import { DeliveriesController } from './deliveries.controller';
import { DomainEventsConsumer } from './consumers/domain-events.consumer';
import { DeliveryProcessor } from './jobs/delivery.processor';
import { ReconcileProcessor } from './jobs/reconcile.processor';

@Module({
  controllers: [DeliveriesController, DomainEventsConsumer],
  providers: [DeliveryRepository, DeliveryService, DeliveriesService, DeliveryProcessor, ReconcileProcessor],
  exports: [DeliveryService],
})
export class DeliveryModule {}
