import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { Mailer } from './mailer';

/** The Mailer (SMTP, or the log when no SMTP host is set) as a Nest provider. Flows send through MailOutbox. */
@Injectable()
export class MailService extends Mailer implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(LOGGER) logger: Logger) {
    super(config, logger);
  }

  onApplicationShutdown(): void {
    this.close();
  }
}
