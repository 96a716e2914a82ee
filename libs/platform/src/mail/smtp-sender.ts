import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from '../logging';
import { mailDelivery, type MailConfig, type MailDelivery } from './mail.config';

/** An email ready to send: the caller rendered it (its own templates, its own language). */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export type SentEmail =
  /** Handed to the SMTP relay. */
  | { via: 'smtp'; messageId?: string }
  /** Not sent (development, no SMTP): the caller may keep `email` (identity's development inbox). */
  | { via: 'dev_inbox'; email: RenderedEmail & { from: string; to: string; reply_to?: string } }
  /** Not sent: MAIL_DISABLED. */
  | { via: 'disabled' };

/**
 * Who an email says it is from, when not `MAIL_FROM` (identity's per-environment sender). The
 * caller vouches that the relay may send for `from.address` (identity checks its domain).
 */
export interface EmailSender {
  from?: { name: string; address: string };
  replyTo?: string;
}

/** `Name <address>` for display (the development inbox), the name quoted when RFC 5322 needs it; SMTP gets the structured form. */
export function formatAddress(a: { name: string; address: string }): string {
  if (!a.name) return a.address;
  const name = /^[A-Za-z0-9 !#$%&'*+/=?^_`{|}~-]+$/.test(a.name) ? a.name : `"${a.name.replace(/["\\]/g, '\\$&')}"`;
  return `${name} <${a.address}>`;
}

/**
 * The platform's one way out to SMTP, shared by every service that mails (identity's codes and
 * invitations, admin-portal's IT-contact invitations). Invariant: it never logs a body or a
 * subject (either can carry a code, token or link); only the template name.
 */
export class SmtpSender {
  readonly delivery: MailDelivery;
  private readonly transport: Transporter | null;

  constructor(
    private readonly config: MailConfig,
    private readonly logger: Logger,
  ) {
    this.delivery = mailDelivery(config);
    this.transport = this.delivery === 'smtp'
      ? createTransport({
          host: config.SMTP_HOST,
          port: config.SMTP_PORT,
          secure: config.SMTP_SECURE,
          requireTLS: config.SMTP_REQUIRE_TLS,
          auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } : undefined,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        })
      : null;
  }

  async send(template: string, to: string, email: RenderedEmail, sender: EmailSender = {}): Promise<SentEmail> {
    if (this.delivery === 'disabled') {
      this.logger.warn({ template }, 'email not sent: MAIL_DISABLED');
      return { via: 'disabled' };
    }
    if (!this.transport) {
      this.logger.info({ template }, 'email not sent (no SMTP_HOST): development only');
      const from = sender.from ? formatAddress(sender.from) : this.config.MAIL_FROM;
      return { via: 'dev_inbox', email: { ...email, from, to, ...(sender.replyTo ? { reply_to: sender.replyTo } : {}) } };
    }
    const info = await this.transport.sendMail({
      from: sender.from ?? this.config.MAIL_FROM,
      ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
      to,
      subject: email.subject,
      text: email.text,
      html: email.html,
    });
    return { via: 'smtp', messageId: info.messageId as string };
  }

  close(): void {
    this.transport?.close();
  }
}
