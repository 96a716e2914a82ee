import { Module } from '@nestjs/common';
import { OrganizationsClient } from '../memberships/organizations.client';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { AgentsController } from './agents.controller';
import { AgentsRepository } from './agents.repository';
import { AgentsService } from './agents.service';
import { AgentTokensService } from './agent-tokens.service';
import { ClientIdsClient } from './client-ids.client';

/** Agents (SDK 11): blueprints, minted instances and sessions, registrations, credential validation. */
@Module({
  imports: [SigningKeysModule],
  controllers: [AgentsController],
  providers: [AgentsRepository, AgentsService, AgentTokensService, ClientIdsClient, OrganizationsClient],
})
export class AgentsModule {}
