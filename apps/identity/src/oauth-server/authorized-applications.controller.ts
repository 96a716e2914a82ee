import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { listAuthorizedApplicationsQuerySchema, type ListAuthorizedApplicationsQuery } from './authorized-applications.dto';
import { AuthorizedApplicationsService } from './authorized-applications.service';

@RequireApiKey()
@Controller('user_management/users/:userId/authorized_applications')
export class UserAuthorizedApplicationsController {
  constructor(private readonly authorized: AuthorizedApplicationsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Param('userId') userId: string, @Query(new ZodPipe(listAuthorizedApplicationsQuerySchema)) q: ListAuthorizedApplicationsQuery) {
    return this.authorized.listForUser(env, userId, q);
  }

  @Delete(':applicationId')
  @HttpCode(204)
  async revoke(@EnvironmentId() env: string, @Param('userId') userId: string, @Param('applicationId') applicationId: string): Promise<void> {
    await this.authorized.revoke(env, userId, applicationId);
  }
}

/** Routed here by the gateway (`/organizations/:id/authorized_applications`), not to organizations. */
@RequireApiKey()
@Controller('organizations/:organizationId/authorized_applications')
export class OrganizationAuthorizedApplicationsController {
  constructor(private readonly authorized: AuthorizedApplicationsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Param('organizationId') organizationId: string, @Query(new ZodPipe(listAuthorizedApplicationsQuerySchema)) q: ListAuthorizedApplicationsQuery) {
    return this.authorized.listForOrganization(env, organizationId, q);
  }
}
