import { Module } from '@nestjs/common';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { RedirectUrisClient } from '../sessions/redirect-uris.client';
import { PasswordlessController, PasswordlessLinkController } from './passwordless.controller';
import { PasswordlessRepository } from './passwordless.repository';
import { PasswordlessService } from './passwordless.service';
import { MagicLinkCodesClient } from './magic-link-codes.client';

/** Magic Link sessions (WorkOS's passwordless API); the code is SSO's (see PasswordlessService). */
@Module({
  imports: [EmailFlowsModule],
  controllers: [PasswordlessController, PasswordlessLinkController],
  providers: [PasswordlessRepository, PasswordlessService, MagicLinkCodesClient, RedirectUrisClient],
})
export class PasswordlessModule {}
