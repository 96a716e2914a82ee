import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { directoryGroupBodySchema, type DirectoryGroupBody } from './directory-groups.dto';
import { DirectoryGroupsService } from './directory-groups.service';

/**
 * Service-to-service (identity's directory provisioning, INTERNAL_CALLS): the gateway routes no
 * `/internal` path, so only a caller holding authorization's internal key reaches it, for the
 * environment it signed. Every route is idempotent.
 */
@Controller('internal/authorization')
export class DirectoryGroupsController {
  constructor(private readonly groups: DirectoryGroupsService) {}

  /** Creates or renames the group kept for the directory group. */
  @Put('directory_groups/:directoryGroupId')
  sync(@EnvironmentId() env: string, @Param('directoryGroupId') id: string, @Body(new ZodPipe(directoryGroupBodySchema)) body: DirectoryGroupBody) {
    return this.groups.sync(env, id, body);
  }

  @Delete('directory_groups/:directoryGroupId')
  @HttpCode(200)
  delete(@EnvironmentId() env: string, @Param('directoryGroupId') id: string) {
    return this.groups.delete(env, id);
  }

  /** The group (created or renamed as needed) takes the membership in. */
  @Put('directory_groups/:directoryGroupId/members/:membershipId')
  addMember(@EnvironmentId() env: string, @Param('directoryGroupId') id: string, @Param('membershipId') membershipId: string, @Body(new ZodPipe(directoryGroupBodySchema)) body: DirectoryGroupBody) {
    return this.groups.addMember(env, id, membershipId, body);
  }

  @Delete('directory_groups/:directoryGroupId/members/:membershipId')
  @HttpCode(200)
  removeMember(@EnvironmentId() env: string, @Param('directoryGroupId') id: string, @Param('membershipId') membershipId: string) {
    return this.groups.removeMember(env, id, membershipId);
  }

  /** dsync.deleted: every group kept for the directory goes. */
  @Delete('directories/:directoryId/groups')
  @HttpCode(200)
  deleteDirectory(@EnvironmentId() env: string, @Param('directoryId') directoryId: string) {
    return this.groups.deleteDirectory(env, directoryId);
  }
}
