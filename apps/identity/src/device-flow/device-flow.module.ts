import { Module } from '@nestjs/common';
import { ClientIdsClient } from '../agents/client-ids.client';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { AuthkitModule } from '../authkit/authkit.module';
import { UsersModule } from '../users/users.module';
import { DeviceCodesStore } from './device-codes.store';
import { DeviceAuthorizationController, DeviceVerificationController } from './device-flow.controller';
import { DeviceFlowService } from './device-flow.service';
import { DeviceVerificationService } from './device-verification.service';

/** The OAuth 2.0 device authorization grant (RFC 8628): the endpoint, the verification page, the grant. */
@Module({
  imports: [AuthenticateModule, AuthkitModule, UsersModule],
  controllers: [DeviceAuthorizationController, DeviceVerificationController],
  providers: [DeviceCodesStore, DeviceFlowService, DeviceVerificationService, ClientIdsClient],
})
export class DeviceFlowModule {}
