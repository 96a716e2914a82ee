import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** SecretBox under the configured key-encryption keys; callers bind each secret to its row id. */
@Injectable()
export class SecretsService {
  readonly box: SecretBox;
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.box = SecretBox.fromConfig(config.SECRET_ENCRYPTION_KEYS);
  }
}
