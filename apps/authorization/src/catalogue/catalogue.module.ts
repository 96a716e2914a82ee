import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { EnvironmentRolesController } from './environment-roles.controller';
import { OrganizationRolesController } from './organization-roles.controller';
import { PermissionsController } from './permissions.controller';
import { PermissionsRepository } from './permissions.repository';
import { PermissionsService } from './permissions.service';
import { RolesRepository } from './roles.repository';
import { RolesService } from './roles.service';

/** The catalogue: permissions, environment roles and organization roles. */
@Module({
  imports: [OrganizationsModule],
  controllers: [PermissionsController, EnvironmentRolesController, OrganizationRolesController],
  providers: [PermissionsRepository, PermissionsService, RolesRepository, RolesService],
  exports: [RolesService, PermissionsService],
})
export class CatalogueModule {}
