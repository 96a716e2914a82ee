import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { ClientApiController } from './client-api.controller';
import { ClientApiService } from './client-api.service';

/** Client API tokens (the Java SDK's `clientApi`). */
@Module({
  imports: [UsersModule, MembershipsModule, SigningKeysModule],
  controllers: [ClientApiController],
  providers: [ClientApiService],
})
export class ClientApiModule {}
