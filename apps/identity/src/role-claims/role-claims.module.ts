import { Module } from '@nestjs/common';
import { AuthorizationEventsConsumer } from './consumers/authorization.consumer';
import { RoleClaimsClient } from './role-claims.client';
import { RoleClaimsService } from './role-claims.service';

/** Role claims from authorization: validation of membership role slugs and access-token claims. */
@Module({
  controllers: [AuthorizationEventsConsumer],
  providers: [RoleClaimsClient, RoleClaimsService],
  exports: [RoleClaimsService],
})
export class RoleClaimsModule {}
