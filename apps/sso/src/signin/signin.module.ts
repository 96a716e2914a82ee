import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { AuthorizeService } from '../authorize/authorize.service';
import { AcsService } from '../saml/acs.service';
import { OidcCallbackService } from '../oidc/oidc-callback.service';
import { TokenService } from '../token/token.service';
import { SignInController } from './signin.controller';
import { SignInRepository } from './signin.repository';
import { SignInService } from './signin.service';
import { SignInStateStore } from './signin-state.store';
import { OrganizationPolicyService } from './organization-policy.service';
import { MagicLinkController } from '../magic-link/magic-link.controller';
import { MagicLinkService } from '../magic-link/magic-link.service';

@Module({
  imports: [ConnectionsModule],
  controllers: [SignInController, MagicLinkController],
  providers: [SignInRepository, SignInService, SignInStateStore, OrganizationPolicyService, AuthorizeService, AcsService, OidcCallbackService, TokenService, MagicLinkService],
})
export class SignInModule {}
