import { Module } from '@nestjs/common';
import { AuthkitSettingsModule } from '../authkit/branding/authkit-settings.module';
import { MailService } from './mail.service';
import { MailOutbox } from './mail-outbox.service';
import { MailOutboxRepository } from './mail-outbox.repository';
import { DevInboxController } from './dev-inbox.controller';
import { DevInboxService } from './dev-inbox.service';

/**
 * One MailOutbox per process (its sender loop), shared by every flow that sends email; the
 * development inbox. Each email's sender and delivery come from its environment's AuthKit settings.
 */
@Module({ imports: [AuthkitSettingsModule], controllers: [DevInboxController], providers: [MailService, MailOutboxRepository, MailOutbox, DevInboxService], exports: [MailOutbox] })
export class MailModule {}
