import { Module } from '@nestjs/common';
import { ResourcesByExternalIdController, ResourcesController } from './resources.controller';
import { ResourcesRepository } from './resources.repository';
import { ResourcesService } from './resources.service';

/** Authorization resources and their trees. */
@Module({
  controllers: [ResourcesController, ResourcesByExternalIdController],
  providers: [ResourcesRepository, ResourcesService],
  exports: [ResourcesService],
})
export class ResourcesModule {}
