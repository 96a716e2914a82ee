import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { ClientIdsClient } from '../agents/client-ids.client';
import { InvitationsModule } from '../invitations/invitations.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { WidgetServicesClient } from './widget-services.client';
import { WidgetTokensService } from './widget-tokens.service';
import { WidgetsService } from './widgets.service';
import { AuditLogStreamingWidgetController, DsyncWidgetController } from './widgets-setup.controller';
import { ApiKeysWidgetController, DomainVerificationWidgetController, SsoWidgetController, UsersTableWidgetController, WidgetTokenController } from './widgets.controller';

/** Widgets: tokens for an organization's widgets, and the calls those widgets make with them. */
@Module({
  imports: [SigningKeysModule, UsersModule, MembershipsModule, InvitationsModule, ApiKeysModule],
  controllers: [WidgetTokenController, UsersTableWidgetController, SsoWidgetController, DomainVerificationWidgetController, ApiKeysWidgetController, DsyncWidgetController, AuditLogStreamingWidgetController],
  providers: [WidgetTokensService, WidgetsService, WidgetServicesClient, ClientIdsClient],
})
export class WidgetsModule {}
