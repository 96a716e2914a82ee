import { Module } from '@nestjs/common';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';
import { PruneProcessor } from './jobs/prune.processor';

@Module({
  providers: [RetentionRepository, RetentionService, PruneProcessor],
  exports: [RetentionService],
})
export class RetentionModule {}
