import { Module } from '@nestjs/common';
import { MailService } from './mail.service';
import { MailOutbox } from './mail-outbox.service';
import { MailOutboxRepository } from './mail-outbox.repository';

/** One MailOutbox per process (its sender loop), shared by every flow that sends email. */
@Module({ providers: [MailService, MailOutboxRepository, MailOutbox], exports: [MailOutbox] })
export class MailModule {}
