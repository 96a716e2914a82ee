import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ResourcesModule } from '../resources/resources.module';
import { DirectoryGroupsController } from './directory-groups.controller';
import { DirectoryGroupsService } from './directory-groups.service';
import { GroupAssignmentsController } from './group-assignments.controller';
import { GroupAssignmentsRepository } from './group-assignments.repository';
import { GroupAssignmentsService } from './group-assignments.service';
import { GroupsController, MembershipGroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';

/** Organization groups, their members and their role assignments, and the groups kept for directory groups. */
@Module({
  imports: [CatalogueModule, MembershipsModule, ResourcesModule, OrganizationsModule],
  controllers: [GroupsController, MembershipGroupsController, GroupAssignmentsController, DirectoryGroupsController],
  providers: [GroupsRepository, GroupsService, GroupAssignmentsRepository, GroupAssignmentsService, DirectoryGroupsService],
})
export class GroupsModule {}
