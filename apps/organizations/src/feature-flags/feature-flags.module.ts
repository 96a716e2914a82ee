import { Module } from '@nestjs/common';
import { FeatureFlagsController } from './feature-flags.controller';
import { FeatureFlagsRepository } from './feature-flags.repository';
import { FeatureFlagsService } from './feature-flags.service';
import { FlagListsController } from './flag-lists.controller';
import { FlagPayloadService } from './flag-payload.service';
import { FlagRuntimeController } from './flag-runtime.controller';

/** Feature flags (WORKOS_API.md §18): management, lists, the runtime payload and its stream. */
@Module({
  controllers: [FeatureFlagsController, FlagListsController, FlagRuntimeController],
  providers: [FeatureFlagsRepository, FeatureFlagsService, FlagPayloadService],
})
export class FeatureFlagsModule {}
