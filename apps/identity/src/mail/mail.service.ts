import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { Mailer } from './mailer';
import type { TemplateName, TemplateVariables } from './mail.templates';

/**
 * The Mailer as a Nest provider. `deliver` runs after the state change has committed: a mail
 * relay that is down must not undo a committed code or invitation (the caller can resend), so
 * a failure is logged with the entity and never thrown.
 */
@Injectable()
export class MailService extends Mailer implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(LOGGER) private readonly log: Logger) {
    super(config, log);
  }

  async deliver<T extends TemplateName>(template: T, to: string, vars: TemplateVariables[T], entityId: string): Promise<void> {
    try {
      await this.send(template, to, vars);
    } catch (err) {
      this.log.error({ err: (err as Error).message, template, entity_id: entityId }, 'email could not be sent');
    }
  }

  onApplicationShutdown(): void {
    this.close();
  }
}
