import type { Logger } from '@wos/platform';
import { SmtpSender, type SentEmail } from '@wos/platform/mail';
import type { MailConfig, MailDelivery } from './mail.config';
import { DEFAULT_EMAIL_SETTINGS, SenderPolicy, type EmailSettings } from './email-sender';
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
  readonly senders: SenderPolicy;

  constructor(config: MailConfig & { MAIL_SENDER_DOMAINS?: string }, logger: Logger) {
    this.sender = new SmtpSender(config, logger);
    this.delivery = this.sender.delivery;
    this.templates = new MailTemplates(config.MAIL_TEMPLATES_DIR);
    this.senders = new SenderPolicy(config.MAIL_FROM, config.MAIL_SENDER_DOMAINS ?? '');
  }

  /** Sends as the environment's sender (`settings`, from its AuthKit settings; the default when not given). */
  async send<T extends TemplateName>(template: T, to: string, vars: TemplateVariables[T], settings: EmailSettings = DEFAULT_EMAIL_SETTINGS): Promise<SentEmail> {
    return this.sender.send(template, to, this.templates.render(template, vars), this.senders.senderFor(settings));
  }

  close(): void {
    this.sender.close();
  }
}
