import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe, type PaginationQuery } from '@wos/platform';
import { roleOnResourceSchema, type RoleOnResourceInput } from '../assignments/assignments.dto';
import { listGroupsQuerySchema, replaceGroupAssignmentsSchema, type ReplaceGroupAssignmentsInput } from './groups.dto';
import { GroupAssignmentsService } from './group-assignments.service';

/** `/authorization/groups/:groupId/role_assignments` (WORKOS_API.md §16). */
@Controller('authorization/groups/:groupId/role_assignments')
@RequireApiKey()
export class GroupAssignmentsController {
  constructor(private readonly assignments: GroupAssignmentsService) {}

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Param('groupId') groupId: string, @Body(new ZodPipe(roleOnResourceSchema)) body: RoleOnResourceInput) {
    return this.assignments.create(env, groupId, body);
  }

  @Put()
  replace(@EnvironmentId() env: string, @Param('groupId') groupId: string, @Body(new ZodPipe(replaceGroupAssignmentsSchema)) body: ReplaceGroupAssignmentsInput) {
    return this.assignments.replace(env, groupId, body.role_assignments);
  }

  @Get()
  list(@EnvironmentId() env: string, @Param('groupId') groupId: string, @Query(new ZodPipe(listGroupsQuerySchema)) q: PaginationQuery) {
    return this.assignments.list(env, groupId, q);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('groupId') groupId: string, @Param('id') id: string) {
    return this.assignments.get(env, groupId, id);
  }

  @Delete()
  @HttpCode(204)
  async remove(@EnvironmentId() env: string, @Param('groupId') groupId: string, @Body(new ZodPipe(roleOnResourceSchema)) body: RoleOnResourceInput): Promise<void> {
    await this.assignments.remove(env, groupId, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async removeById(@EnvironmentId() env: string, @Param('groupId') groupId: string, @Param('id') id: string): Promise<void> {
    await this.assignments.removeById(env, groupId, id);
  }
}
