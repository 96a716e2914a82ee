import { Module } from '@nestjs/common';
import { AuthkitModule } from '../authkit/authkit.module';
import { ConnectModule } from '../connect/connect.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { ConnectSettingsController, ExternalAuthController } from './connect-settings.controller';
import { ConnectSettingsRepository } from './connect-settings.repository';
import { ExternalAuthService } from './external-auth.service';
import { ExternalAuthStore } from './external-auth.store';
import { InteractionsController } from './interactions.controller';
import { InteractionsService } from './interactions.service';
import { OAuthArtifactsRepository } from './oauth-artifacts.repository';
import { OAuthProvidersService } from './oauth-providers.service';
import { OAuthServerController } from './oauth-server.controller';
import { ProtectedResourceController } from './protected-resource.controller';
import { OrganizationsClient } from '../memberships/organizations.client';
import { OrganizationAuthorizedApplicationsController, UserAuthorizedApplicationsController } from './authorized-applications.controller';
import { AuthorizedApplicationsRepository } from './authorized-applications.repository';
import { AuthorizedApplicationsService } from './authorized-applications.service';

/** Each environment's OAuth 2.1 / OpenID authorization server (Connect), on oidc-provider. */
@Module({
  imports: [ConnectModule, UsersModule, SigningKeysModule, AuthkitModule],
  // Interactions first: their routes are more specific than the provider's catch-all.
  controllers: [InteractionsController, ProtectedResourceController, ConnectSettingsController, ExternalAuthController, UserAuthorizedApplicationsController, OrganizationAuthorizedApplicationsController, OAuthServerController],
  providers: [OAuthServerController, OAuthProvidersService, OAuthArtifactsRepository, ConnectSettingsRepository, InteractionsService, ExternalAuthStore, ExternalAuthService, AuthorizedApplicationsRepository, AuthorizedApplicationsService, OrganizationsClient],
})
export class OAuthServerModule {}
