import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import {
  listResourceAssignmentsQuerySchema,
  listRoleAssignmentsQuerySchema,
  roleOnResourceSchema,
  type ListResourceAssignmentsQuery,
  type ListRoleAssignmentsQuery,
  type RoleOnResourceInput,
} from './assignments.dto';
import { AssignmentsService } from './assignments.service';

/** `/authorization/organization_memberships/:omId/role_assignments` (WORKOS_API.md §16). */
@Controller('authorization/organization_memberships/:omId/role_assignments')
@RequireApiKey()
export class MembershipAssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post()
  @HttpCode(201)
  assign(@EnvironmentId() env: string, @Param('omId') omId: string, @Body(new ZodPipe(roleOnResourceSchema)) body: RoleOnResourceInput) {
    return this.assignments.assign(env, omId, body);
  }

  /** removeRole: DELETE with a JSON body naming the role and the resource. */
  @Delete()
  @HttpCode(204)
  async remove(@EnvironmentId() env: string, @Param('omId') omId: string, @Body(new ZodPipe(roleOnResourceSchema)) body: RoleOnResourceInput): Promise<void> {
    await this.assignments.remove(env, omId, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async removeById(@EnvironmentId() env: string, @Param('omId') omId: string, @Param('id') id: string): Promise<void> {
    await this.assignments.removeById(env, omId, id);
  }

  @Get()
  list(@EnvironmentId() env: string, @Param('omId') omId: string, @Query(new ZodPipe(listRoleAssignmentsQuerySchema)) q: ListRoleAssignmentsQuery) {
    return this.assignments.listForMembership(env, omId, q);
  }
}

/** A resource's role assignments, by resource ID or by external ID. */
@Controller('authorization')
@RequireApiKey()
export class ResourceAssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Get('resources/:id/role_assignments')
  byId(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(listResourceAssignmentsQuerySchema)) q: ListResourceAssignmentsQuery) {
    return this.assignments.listForResource(env, { id }, q);
  }

  @Get('organizations/:orgId/resources/:type/:externalId/role_assignments')
  byExternalId(
    @EnvironmentId() env: string,
    @Param('orgId') organizationId: string,
    @Param('type') typeSlug: string,
    @Param('externalId') externalId: string,
    @Query(new ZodPipe(listResourceAssignmentsQuerySchema)) q: ListResourceAssignmentsQuery,
  ) {
    return this.assignments.listForResource(env, { organizationId, typeSlug, externalId }, q);
  }
}
