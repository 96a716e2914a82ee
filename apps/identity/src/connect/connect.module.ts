import { Module } from '@nestjs/common';
import { OrganizationsClient } from '../memberships/organizations.client';
import { ApplicationsController } from './applications.controller';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationsService } from './applications.service';
import { ConnectClientCache } from './connect-client-cache';

/** Connect (issue 17): applications and secrets; the authorization server comes from OAuthServerModule. */
@Module({
  controllers: [ApplicationsController],
  providers: [ApplicationsRepository, ApplicationsService, ConnectClientCache, OrganizationsClient],
  exports: [ApplicationsService],
})
export class ConnectModule {}
