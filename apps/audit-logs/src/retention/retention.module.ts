import { Module } from '@nestjs/common';
import { ChainModule } from '../chain/chain.module';
import { ExportsModule } from '../exports/exports.module';
import { PartitionsModule } from '../partitions/partitions.module';
import { MaintenanceProcessor } from './jobs/maintenance.processor';
import { RetentionController } from './retention.controller';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

@Module({
  imports: [PartitionsModule, ExportsModule, ChainModule],
  controllers: [RetentionController],
  providers: [RetentionRepository, RetentionService, MaintenanceProcessor],
  exports: [RetentionService],
})
export class RetentionModule {}
