import { Injectable } from '@nestjs/common';
import { NotFoundError, SecretBox } from '@wos/platform';
import type { RenderedEmail } from './mail.templates';
import { MailService } from './mail.service';
import { MailOutboxRepository } from './mail-outbox.repository';
import { inboxAad } from '../infra/sealed-columns';

export interface InboxEmail extends RenderedEmail {
  id: string;
  environment_id: string;
  template: string;
  from: string;
  to: string;
  reply_to?: string;
  sent_at: string | null;
}

const LIMIT = 50;

/**
 * The development inbox: what the service would have mailed, newest first, across environments.
 * Invariant: it exists only in the `dev_inbox` delivery mode, which production never has
 * (mailDelivery refuses production without SMTP); elsewhere every read is a 404.
 */
@Injectable()
export class DevInboxService {
  constructor(
    private readonly repo: MailOutboxRepository,
    private readonly mail: MailService,
    private readonly box: SecretBox,
  ) {}

  async list(recipient?: string): Promise<InboxEmail[]> {
    if (this.mail.delivery !== 'dev_inbox') throw new NotFoundError('a development inbox', 'dev/mail');
    const rows = await this.repo.inbox(LIMIT, recipient);
    return rows.map((r) => {
      const email = JSON.parse(this.box.openString(r.inboxCopy!, inboxAad(r.id))) as RenderedEmail & { from: string; to: string };
      return { id: String(r.id), environment_id: r.environmentId, template: r.template, sent_at: r.sentAt?.toISOString() ?? null, ...email };
    });
  }
}
