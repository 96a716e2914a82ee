import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { UsersModule } from '../users/users.module';
import { ApiKeysController, OrganizationApiKeysController, UserApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyValidationService } from './api-key-validation.service';
import { PermissionsClient } from './permissions.client';

/** Customers' API keys for their own customers: organization and user keys, validation with a coherent cache. */
@Module({
  imports: [UsersModule, MembershipsModule],
  controllers: [ApiKeysController, OrganizationApiKeysController, UserApiKeysController],
  providers: [ApiKeysRepository, ApiKeysService, ApiKeyValidationService, PermissionsClient],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
