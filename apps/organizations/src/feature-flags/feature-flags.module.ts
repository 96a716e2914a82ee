import { Module } from '@nestjs/common';
import { FlagsCleanupConsumer } from './consumers/flags-cleanup.consumer';
import { FeatureFlagsController } from './feature-flags.controller';
import { FeatureFlagsRepository } from './feature-flags.repository';
import { FeatureFlagsService } from './feature-flags.service';
import { FlagListsController } from './flag-lists.controller';
import { FlagPayloadService } from './flag-payload.service';
import { FlagRuntimeController } from './flag-runtime.controller';
import { IdentityUsersClient } from './identity-users.client';

/** Feature flags (WORKOS_API.md §18): management, lists, the runtime payload and its stream; deleted targets leave. */
@Module({
  controllers: [FeatureFlagsController, FlagListsController, FlagRuntimeController, FlagsCleanupConsumer],
  providers: [FeatureFlagsRepository, FeatureFlagsService, FlagPayloadService, IdentityUsersClient],
})
export class FeatureFlagsModule {}
