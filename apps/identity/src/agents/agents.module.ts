import { Module } from '@nestjs/common';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { AuthkitModule } from '../authkit/authkit.module';
import { MailModule } from '../mail/mail.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { AgentClaimPageController } from './agent-claim-page.controller';
import { AgentClaimPageService } from './agent-claim-page.service';
import { AgentClaimsRepository } from './agent-claims.repository';
import { AgentClaimsService } from './agent-claims.service';
import { AgentExpirySweeper } from './agent-expiry.sweeper';
import { AgentSelfRegistrationController } from './agent-self-registration.controller';
import { AgentsController } from './agents.controller';
import { AgentsRepository } from './agents.repository';
import { AgentsService } from './agents.service';
import { AgentTokensService } from './agent-tokens.service';
import { ClientIdsClient } from './client-ids.client';

/**
 * Agents (SDK 11): blueprints, minted instances and sessions, registrations, credential
 * validation; agent self-registration (AUTH.md), its claim page and agent API keys.
 */
@Module({
  imports: [SigningKeysModule, AuthenticateModule, AuthkitModule, MailModule, MembershipsModule, UsersModule],
  controllers: [AgentsController, AgentSelfRegistrationController, AgentClaimPageController],
  providers: [AgentsRepository, AgentsService, AgentTokensService, ClientIdsClient, AgentClaimsRepository, AgentClaimsService, AgentClaimPageService, AgentExpirySweeper],
})
export class AgentsModule {}
