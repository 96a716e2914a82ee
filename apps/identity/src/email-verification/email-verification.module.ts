import { Module } from '@nestjs/common';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { UsersModule } from '../users/users.module';
import { EmailVerificationController } from './email-verification.controller';
import { EmailVerificationService } from './email-verification.service';

/** Registers the email verification grant and the email_verification_required gate. */
@Module({
  imports: [EmailFlowsModule, UsersModule, AuthenticateModule],
  controllers: [EmailVerificationController],
  providers: [EmailVerificationService],
  exports: [EmailVerificationService],
})
export class EmailVerificationModule {}
