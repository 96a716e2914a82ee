import type { Logger } from '@wos/platform';
import { SmtpSender, type SentEmail } from '@wos/platform/mail';
import type { MailConfig, MailDelivery } from './mail.config';
import { MailTemplates, type TemplateName, type TemplateVariables } from './mail.templates';

export type { SentEmail };

/**
 * Renders and delivers the identity service's emails, free of Nest so tests can drive it alone.
 * Invariant: the one place plaintext codes and tokens leave the process (besides the API
 * responses WorkOS defines). They are never logged, and reach the database only sealed, in the
 * development inbox. SMTP itself is the platform's `SmtpSender`.
 */
export class Mailer {
  readonly delivery: MailDelivery;
  private readonly sender: SmtpSender;
  private readonly templates: MailTemplates;

  constructor(config: MailConfig, logger: Logger) {
    this.sender = new SmtpSender(config, logger);
    this.delivery = this.sender.delivery;
    this.templates = new MailTemplates(config.MAIL_TEMPLATES_DIR);
  }

  async send<T extends TemplateName>(template: T, to: string, vars: TemplateVariables[T]): Promise<SentEmail> {
    return this.sender.send(template, to, this.templates.render(template, vars));
  }

  close(): void {
    this.sender.close();
  }
}
