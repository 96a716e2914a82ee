import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { OneTimeSecretsRepository } from './one-time-secrets.repository';
import { SendThrottle } from './send-throttle.service';
import { OneTimeSecretsService } from './one-time-secrets.service';

/** What the email verification, password reset and magic auth modules share. */
@Module({
  imports: [MailModule],
  providers: [OneTimeSecretsRepository, OneTimeSecretsService, SendThrottle],
  exports: [OneTimeSecretsService, SendThrottle, MailModule],
})
export class EmailFlowsModule {}
