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

@Module({
  imports: [ConnectionsModule],
  controllers: [SignInController],
  providers: [SignInRepository, SignInService, SignInStateStore, OrganizationPolicyService, AuthorizeService, AcsService, OidcCallbackService, TokenService],
})
export class SignInModule {}
