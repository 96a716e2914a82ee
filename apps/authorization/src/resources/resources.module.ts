import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ResourcesByExternalIdController, ResourcesController } from './resources.controller';
import { ResourcesRepository } from './resources.repository';
import { ResourcesService } from './resources.service';

/** Authorization resources and their trees. */
@Module({
  imports: [OrganizationsModule],
  controllers: [ResourcesController, ResourcesByExternalIdController],
  providers: [ResourcesRepository, ResourcesService],
  exports: [ResourcesService],
})
export class ResourcesModule {}
