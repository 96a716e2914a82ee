import { Module } from '@nestjs/common';
import { AuditSchemasModule } from '../audit-schemas/audit-schemas.module';
import { PartitionsModule } from '../partitions/partitions.module';
import { AuditEventsController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventsService } from './audit-events.service';

@Module({
  imports: [AuditSchemasModule, PartitionsModule],
  controllers: [AuditEventsController],
  providers: [AuditEventsRepository, AuditEventsService],
  exports: [AuditEventsService],
})
export class AuditEventsModule {}
