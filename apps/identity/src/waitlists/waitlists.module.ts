import { Module } from '@nestjs/common';
import { InvitationsModule } from '../invitations/invitations.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { WaitlistEntriesController, WaitlistsController } from './waitlists.controller';
import { WaitlistsRepository } from './waitlists.repository';
import { WaitlistsService } from './waitlists.service';

/** Exports WaitlistsService (`join`, for AuthKit's hosted sign-up under a waitlist policy). */
@Module({
  imports: [UsersModule, InvitationsModule, MailModule],
  controllers: [WaitlistsController, WaitlistEntriesController],
  providers: [WaitlistsRepository, WaitlistsService],
  exports: [WaitlistsService],
})
export class WaitlistsModule {}
