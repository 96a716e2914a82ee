import { Module } from '@nestjs/common';
import { APP_CONFIG } from '@wos/platform';
import { localRootKeys, type AppConfig } from '../config';
import { Pkcs11KeyProvider } from '../infra/pkcs11-key-provider';
import { LocalKeyProvider, type KeyProvider } from '../vault-core/key-provider';
import { ByokController } from './byok.controller';
import { ByokRepository } from './byok.repository';
import { ByokService } from './byok.service';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { DataKeysController } from './data-keys.controller';
import { DataKeysService } from './data-keys.service';
import { KeksController } from './keks.controller';
import { KeksRepository } from './keks.repository';
import { KeksService } from './keks.service';
import { RekeysRepository } from './rekeys.repository';
import { RekeysService } from './rekeys.service';
import { RootKeysService, ROOT_KEY_PROVIDERS, type RootKeyProviders } from './root-keys.service';
import { ShreddingRepository } from './shredding.repository';
import { ShreddingService } from './shredding.service';

/* The configured key providers: local root keys (config or file) and a PKCS#11 token, either of which may hold the platform's root key. */
function rootKeyProviders(config: AppConfig): RootKeyProviders {
  const keys = localRootKeys(config);
  const local = keys ? new LocalKeyProvider(keys) : null;
  const pkcs11 = config.VAULT_PKCS11_LIBRARY
    ? Pkcs11KeyProvider.open({
        library: config.VAULT_PKCS11_LIBRARY,
        tokenLabel: config.VAULT_PKCS11_TOKEN_LABEL!,
        pin: config.VAULT_PKCS11_PIN!,
        rootKeyLabel: config.VAULT_PKCS11_ROOT_KEY_LABEL,
      })
    : null;
  const byName = new Map<string, KeyProvider>([...(local ? [local] : []), ...(pkcs11 ? [pkcs11] : [])].map((p) => [p.name, p]));
  const platform = byName.get(config.VAULT_KEY_PROVIDER);
  if (!platform) throw new Error(`VAULT_KEY_PROVIDER=${config.VAULT_KEY_PROVIDER} is not configured`);
  return { platform, byName, pkcs11 };
}

/**
 * Key contexts, KEKs, data keys, the root keys above them (the platform's, chosen by
 * VAULT_KEY_PROVIDER, and organizations' own: BYOK), rotation's rekey job and crypto-shredding.
 */
@Module({
  controllers: [DataKeysController, KeksController, ByokController, OrganizationEventsConsumer],
  providers: [
    { provide: ROOT_KEY_PROVIDERS, inject: [APP_CONFIG], useFactory: rootKeyProviders },
    RootKeysService,
    KeksRepository,
    KeksService,
    DataKeysService,
    ByokRepository,
    ByokService,
    RekeysRepository,
    RekeysService,
    ShreddingRepository,
    ShreddingService,
  ],
  exports: [KeksService, DataKeysService],
})
export class KeysModule {}
