import { Controller, Get, Param } from '@nestjs/common';
import { EnvironmentId } from '@wos/platform';
import { DirectoriesService } from './directories.service';

/**
 * Service-to-service (identity, INTERNAL_CALLS): the gateway routes no `/internal` path, so only a
 * caller holding directory-sync's internal key reaches it, for the environment it signed.
 */
@Controller('internal/directory-sync/directories')
export class DirectoryProvisioningController {
  constructor(private readonly directories: DirectoriesService) {}

  @Get(':id/provisioning')
  provisioning(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.directories.provisioningFor(env, id);
  }
}
