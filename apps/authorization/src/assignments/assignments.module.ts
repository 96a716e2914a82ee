import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { ResourcesModule } from '../resources/resources.module';
import { AccessIndex } from './access-index';
import { AccessController } from './access.controller';
import { AccessRepository } from './access.repository';
import { AccessService } from './access.service';
import { MembershipAssignmentsController, ResourceAssignmentsController } from './assignments.controller';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentsService } from './assignments.service';

/** Role assignments on resources, and the checks and lookups they answer. */
@Module({
  imports: [CatalogueModule, MembershipsModule, ResourcesModule],
  controllers: [MembershipAssignmentsController, ResourceAssignmentsController, AccessController],
  providers: [AssignmentsRepository, AssignmentsService, AccessRepository, AccessService, AccessIndex],
})
export class AssignmentsModule {}
