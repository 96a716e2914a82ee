import { Module } from '@nestjs/common';
import { APP_CONFIG, parseSecretEncryptionKeys } from '@wos/platform';
import type { AppConfig } from '../config';
import { LocalKeyProvider, type KeyProvider } from '../vault-core/key-provider';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { DataKeysController } from './data-keys.controller';
import { DataKeysService } from './data-keys.service';
import { KeksController } from './keks.controller';
import { KeksRepository } from './keks.repository';
import { KEY_PROVIDER, KeksService } from './keks.service';
import { ShreddingRepository } from './shredding.repository';
import { ShreddingService } from './shredding.service';

/**
 * Key contexts, KEKs and data keys. The key provider is chosen by VAULT_KEY_PROVIDER; `local` is
 * the only adapter today.
 */
@Module({
  controllers: [DataKeysController, KeksController, OrganizationEventsConsumer],
  providers: [
    {
      provide: KEY_PROVIDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): KeyProvider => new LocalKeyProvider(parseSecretEncryptionKeys(config.VAULT_ROOT_KEYS)),
    },
    KeksRepository,
    KeksService,
    DataKeysService,
    ShreddingRepository,
    ShreddingService,
  ],
  exports: [KeksService, DataKeysService],
})
export class KeysModule {}
