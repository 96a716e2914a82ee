import { Controller, Get, Param } from '@nestjs/common';
import { EnvironmentId, RequireApiKey } from '@wos/platform';
import { DirectoriesService } from '../directories/directories.service';
import { ScimRequestLogRepository } from './scim-request-log.repository';

/** Management API (our extension): a directory's last SCIM requests, newest first, for the Admin Portal and operators. */
@RequireApiKey()
@Controller('directories')
export class ScimRequestsController {
  constructor(
    private readonly directories: DirectoriesService,
    private readonly requests: ScimRequestLogRepository,
  ) {}

  @Get(':id/scim_requests')
  async recent(@EnvironmentId() env: string, @Param('id') id: string) {
    const d = await this.directories.get(env, id); // 404 for another environment's directory
    return { object: 'list' as const, data: await this.requests.recent(env, d.id) };
  }
}
