import { Module } from '@nestjs/common';
import { PartitionsRepository } from './partitions.repository';
import { PartitionsService } from './partitions.service';

/** Monthly partitions of audit_log_events, shared by ingest (on demand) and retention (ahead, drop). */
@Module({
  providers: [PartitionsRepository, PartitionsService],
  exports: [PartitionsService],
})
export class PartitionsModule {}
