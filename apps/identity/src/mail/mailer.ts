import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from '@wos/platform';
import { mailDelivery, type MailConfig, type MailDelivery } from './mail.config';
import { MailTemplates, type RenderedEmail, type TemplateName, type TemplateVariables } from './mail.templates';

export type SentEmail =
  /** Handed to the SMTP relay. */
  | { via: 'smtp'; messageId?: string }
  /** Not sent (development, no SMTP): the caller keeps `email` in the development inbox. */
  | { via: 'dev_inbox'; email: RenderedEmail & { from: string; to: string } }
  /** Not sent: MAIL_DISABLED. */
  | { via: 'disabled' };

/**
 * Renders and delivers the identity service's emails, free of Nest so tests can drive it alone.
 * Invariant: the one place plaintext codes and tokens leave the process (besides the API
 * responses WorkOS defines). They are never logged, and reach the database only sealed, in the
 * development inbox.
 */
export class Mailer {
  readonly delivery: MailDelivery;
  private readonly transport: Transporter | null;
  private readonly templates: MailTemplates;

  constructor(
    private readonly config: MailConfig,
    private readonly logger: Logger,
  ) {
    this.delivery = mailDelivery(config);
    this.templates = new MailTemplates(config.MAIL_TEMPLATES_DIR);
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

  async send<T extends TemplateName>(template: T, to: string, vars: TemplateVariables[T]): Promise<SentEmail> {
    const email = this.templates.render(template, vars);
    // Metadata only: subjects can be templated with a code too.
    if (this.delivery === 'disabled') {
      this.logger.warn({ template }, 'email not sent: MAIL_DISABLED');
      return { via: 'disabled' };
    }
    if (!this.transport) {
      this.logger.info({ template }, 'email not sent (no SMTP_HOST): kept in the development inbox, GET /dev/mail');
      return { via: 'dev_inbox', email: { ...email, from: this.config.MAIL_FROM, to } };
    }
    const info = await this.transport.sendMail({ from: this.config.MAIL_FROM, to, subject: email.subject, text: email.text, html: email.html });
    return { via: 'smtp', messageId: info.messageId as string };
  }

  close(): void {
    this.transport?.close();
  }
}
