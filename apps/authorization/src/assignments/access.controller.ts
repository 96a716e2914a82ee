import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, ReadsOnly, RequireApiKey, ZodPipe, type PaginationQuery } from '@wos/platform';
import {
  checkSchema,
  effectivePermissionsQuerySchema,
  listMembershipsForResourceQuerySchema,
  listResourcesForMembershipQuerySchema,
  type CheckInput,
  type ListMembershipsForResourceQuery,
  type ListResourcesForMembershipQuery,
} from './assignments.dto';
import { AccessService } from './access.service';

/** Checks and lookups (WORKOS_API.md §16). */
@Controller('authorization')
@RequireApiKey()
export class AccessController {
  constructor(private readonly access: AccessService) {}

  @Post('organization_memberships/:omId/check')
  @HttpCode(200)
  @ReadsOnly()
  check(@EnvironmentId() env: string, @Param('omId') omId: string, @Body(new ZodPipe(checkSchema)) body: CheckInput) {
    return this.access.check(env, omId, body);
  }

  @Get('organization_memberships/:omId/resources')
  resourcesForMembership(@EnvironmentId() env: string, @Param('omId') omId: string, @Query(new ZodPipe(listResourcesForMembershipQuerySchema)) q: ListResourcesForMembershipQuery) {
    return this.access.resourcesForMembership(env, omId, q);
  }

  @Get('organization_memberships/:omId/resources/:type/:externalId/permissions')
  effectivePermissionsByExternalId(
    @EnvironmentId() env: string,
    @Param('omId') omId: string,
    @Param('type') typeSlug: string,
    @Param('externalId') externalId: string,
    @Query(new ZodPipe(effectivePermissionsQuerySchema)) q: PaginationQuery,
  ) {
    return this.access.effectivePermissions(env, omId, { typeSlug, externalId }, q);
  }

  /** The Java SDK's path for listEffectivePermissions (the Node SDK's is the one below). */
  @Get('organization_memberships/:omId/resources/:id/permissions')
  effectivePermissionsByMembership(@EnvironmentId() env: string, @Param('omId') omId: string, @Param('id') id: string, @Query(new ZodPipe(effectivePermissionsQuerySchema)) q: PaginationQuery) {
    return this.access.effectivePermissions(env, omId, { id }, q);
  }

  @Get('resources/:id/organization_memberships/:omId/permissions')
  effectivePermissions(@EnvironmentId() env: string, @Param('id') id: string, @Param('omId') omId: string, @Query(new ZodPipe(effectivePermissionsQuerySchema)) q: PaginationQuery) {
    return this.access.effectivePermissions(env, omId, { id }, q);
  }

  @Get('resources/:id/organization_memberships')
  membershipsForResource(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(listMembershipsForResourceQuerySchema)) q: ListMembershipsForResourceQuery) {
    return this.access.membershipsForResource(env, { id }, q);
  }

  @Get('organizations/:orgId/resources/:type/:externalId/organization_memberships')
  membershipsForResourceByExternalId(
    @EnvironmentId() env: string,
    @Param('orgId') organizationId: string,
    @Param('type') typeSlug: string,
    @Param('externalId') externalId: string,
    @Query(new ZodPipe(listMembershipsForResourceQuerySchema)) q: ListMembershipsForResourceQuery,
  ) {
    return this.access.membershipsForResource(env, { organizationId, typeSlug, externalId }, q);
  }
}
