import { Controller, Get, Param } from '@nestjs/common';
import { EnvironmentId, RequireApiKey } from '@wos/platform';
import { IdentitiesService } from './identities.service';

@RequireApiKey()
@Controller('user_management/users')
export class IdentitiesController {
  constructor(private readonly identities: IdentitiesService) {}

  /** A bare array, not a list envelope (WORKOS_API.md §7.1). */
  @Get(':id/identities')
  list(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.identities.listForUser(env, id);
  }
}
