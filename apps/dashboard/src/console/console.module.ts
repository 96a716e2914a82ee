import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuditService } from '../audit/audit.service';
import { MembersController } from '../members/members.controller';
import { MembersService } from '../members/members.service';
import { GatewayConsoleClient } from '../upstream/gateway-console.client';
import { UpstreamClient } from '../upstream/upstream.client';
import { ConsoleRepository } from './console.repository';
import { ConsoleService } from './console.service';
import { CredentialsController } from './credentials.controller';
import { SignInController } from './sign-in.controller';
import { DirectoryPagesController } from '../directory/directory-pages.controller';
import { IdentityPagesController } from '../directory/identity-pages.controller';
import { ActivityPagesController } from '../activity/activity-pages.controller';
import { UsagePagesController } from '../usage/usage-pages.controller';

/** The console: sign-in, sessions and roles, and every page (each page's data comes from the service that owns it). */
@Module({
  controllers: [SignInController, CredentialsController, MembersController, DirectoryPagesController, IdentityPagesController, ActivityPagesController, UsagePagesController],
  providers: [
    ConsoleRepository,
    { provide: UpstreamClient, useFactory: (config: AppConfig) => new UpstreamClient(config), inject: [APP_CONFIG] },
    { provide: GatewayConsoleClient, useFactory: (u: UpstreamClient) => new GatewayConsoleClient(u), inject: [UpstreamClient] },
    AuditService,
    ConsoleService,
    MembersService,
  ],
})
export class ConsoleModule {}
