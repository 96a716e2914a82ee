import { Module } from '@nestjs/common';
import { FlagClaimsService } from './flag-claims.service';

/** The access token's `feature_flags` claim, from the organizations service. */
@Module({
  providers: [FlagClaimsService],
  exports: [FlagClaimsService],
})
export class FlagClaimsModule {}
