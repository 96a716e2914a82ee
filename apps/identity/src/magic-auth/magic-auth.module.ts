import { Module } from '@nestjs/common';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { InvitationsModule } from '../invitations/invitations.module';
import { UsersModule } from '../users/users.module';
import { MagicAuthController } from './magic-auth.controller';
import { MagicAuthService } from './magic-auth.service';

/** Registers the magic auth grant. */
@Module({
  imports: [EmailFlowsModule, UsersModule, AuthenticateModule, InvitationsModule],
  controllers: [MagicAuthController],
  providers: [MagicAuthService],
  exports: [MagicAuthService],
})
export class MagicAuthModule {}
