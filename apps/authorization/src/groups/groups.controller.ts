import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe, type PaginationQuery } from '@wos/platform';
import { addMemberSchema, createGroupSchema, listGroupsQuerySchema, updateGroupSchema, type CreateGroupInput, type UpdateGroupInput } from './groups.dto';
import { GroupsService } from './groups.service';

/** `/organizations/:orgId/groups` (WORKOS_API.md §17); the gateway routes this sub-path here. */
@Controller('organizations/:orgId/groups')
@RequireApiKey()
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('orgId') org: string, @Body(new ZodPipe(createGroupSchema)) body: CreateGroupInput) {
    return this.groups.create(env, org, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Param('orgId') org: string, @Query(new ZodPipe(listGroupsQuerySchema)) q: PaginationQuery) {
    return this.groups.list(env, org, q);
  }

  @Get(':groupId')
  get(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('groupId') id: string) {
    return this.groups.get(env, org, id);
  }

  @Patch(':groupId')
  update(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('groupId') id: string, @Body(new ZodPipe(updateGroupSchema)) body: UpdateGroupInput) {
    return this.groups.update(env, org, id, body);
  }

  @Delete(':groupId')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('groupId') id: string): Promise<void> {
    await this.groups.delete(env, org, id);
  }

  @Post(':groupId/organization-memberships')
  @HttpCode(200)
  addMember(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('groupId') id: string, @Body(new ZodPipe(addMemberSchema)) body: { organization_membership_id: string }) {
    return this.groups.addMember(env, org, id, body.organization_membership_id);
  }

  @Delete(':groupId/organization-memberships/:omId')
  @HttpCode(204)
  async removeMember(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('groupId') id: string, @Param('omId') omId: string): Promise<void> {
    await this.groups.removeMember(env, org, id, omId);
  }

  @Get(':groupId/organization-memberships')
  members(@EnvironmentId() env: string, @Param('orgId') org: string, @Param('groupId') id: string, @Query(new ZodPipe(listGroupsQuerySchema)) q: PaginationQuery) {
    return this.groups.listMembers(env, org, id, q);
  }
}

/** `/user_management/organization_memberships/:id/groups`: the gateway routes this sub-path of identity's here. */
@Controller('user_management/organization_memberships/:omId/groups')
@RequireApiKey()
export class MembershipGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Param('omId') omId: string, @Query(new ZodPipe(listGroupsQuerySchema)) q: PaginationQuery) {
    return this.groups.listForMembership(env, omId, q);
  }
}
