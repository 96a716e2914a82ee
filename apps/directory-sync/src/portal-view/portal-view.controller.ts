import { Controller, Get, Param } from '@nestjs/common';
import { EnvironmentId } from '@wos/platform';
import { PortalViewService } from './portal-view.service';

/**
 * Service-to-service (admin-portal, INTERNAL_CALLS): the gateway routes no `/internal` path, so
 * only a caller holding directory-sync's internal key reaches it, for the environment it signed.
 * An organization of another environment, an unknown one or a malformed ID (no query runs) all
 * answer `{ directory: null, activity: null }`.
 */
@Controller('internal/directory-sync/organizations')
export class PortalViewController {
  constructor(private readonly portal: PortalViewService) {}

  @Get(':organizationId/portal_view')
  view(@EnvironmentId() env: string, @Param('organizationId') organizationId: string) {
    return this.portal.view(env, organizationId);
  }
}
