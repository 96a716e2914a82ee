import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from '@wos/platform';
import type { MailConfig } from './mail.config';
import { MailTemplates, type TemplateName, type TemplateVariables } from './mail.templates';

export interface SentEmail {
  /** `smtp` when handed to the relay, `log` when written to the log (no SMTP host configured). */
  via: 'smtp' | 'log';
  messageId?: string;
}

/**
 * Renders and delivers the identity service's emails, free of Nest so tests can drive it alone.
 * Invariant: the one place plaintext codes and tokens leave the process (besides the API
 * responses WorkOS defines); they are never written to the database.
 */
export class Mailer {
  private readonly transport: Transporter | null;
  private readonly templates: MailTemplates;

  constructor(
    private readonly config: MailConfig,
    private readonly logger: Logger,
  ) {
    this.templates = new MailTemplates(config.MAIL_TEMPLATES_DIR);
    this.transport = config.SMTP_HOST
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
    if (!this.transport) {
      this.logger.info({ mail: { template, from: this.config.MAIL_FROM, to, subject: email.subject, text: email.text } }, 'email not sent: no SMTP_HOST configured, logged instead');
      return { via: 'log' };
    }
    const info = await this.transport.sendMail({ from: this.config.MAIL_FROM, to, subject: email.subject, text: email.text, html: email.html });
    return { via: 'smtp', messageId: info.messageId as string };
  }

  close(): void {
    this.transport?.close();
  }
}
