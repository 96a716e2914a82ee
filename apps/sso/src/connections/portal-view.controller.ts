import { Controller, Get, Param } from '@nestjs/common';
import { EnvironmentId } from '@wos/platform';
import { ConnectionsService } from './connections.service';

/**
 * Service-to-service (admin-portal, INTERNAL_CALLS): the gateway routes no `/internal` path, so
 * only a caller holding sso's internal key reaches it, for the environment it signed. An
 * organization of another environment, an unknown one or a malformed ID (no query runs) all
 * answer `{ connection: null, sp: null }`.
 */
@Controller('internal/sso/organizations')
export class PortalViewController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get(':organizationId/portal_view')
  view(@EnvironmentId() env: string, @Param('organizationId') organizationId: string) {
    return this.connections.portalView(env, organizationId);
  }
}
