import { Module } from '@nestjs/common';
import { VaultClient } from '../infra/vault.client';
import { IntegrationsModule } from '../integrations/integrations.module';
import { AccountSecretsService } from './account-secrets.service';
import { OrganizationAccountsController, UserAccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { CallbackController, ConnectController } from './connect.controller';
import { ConnectService } from './connect.service';
import { IdentityEventsConsumer } from './consumers/identity.consumer';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { DataIntegrationsController } from './data-integrations.controller';
import { TokensService } from './tokens.service';
import { VaultDeletionsRepository } from './vault-deletions.repository';
import { VaultDeletionsService } from './vault-deletions.service';

/**
 * Connected accounts: connecting (OAuth callback, API keys, client credentials, imports), tokens
 * and credentials, data providers, and the integration routes, whose deletes and installations
 * reach accounts.
 */
@Module({
  imports: [IntegrationsModule],
  controllers: [DataIntegrationsController, ConnectController, CallbackController, UserAccountsController, OrganizationAccountsController, OrganizationEventsConsumer, IdentityEventsConsumer],
  providers: [AccountsRepository, AccountsService, AccountSecretsService, TokensService, ConnectService, VaultClient, VaultDeletionsRepository, VaultDeletionsService],
  exports: [AccountsService, TokensService],
})
export class ConnectionsModule {}
