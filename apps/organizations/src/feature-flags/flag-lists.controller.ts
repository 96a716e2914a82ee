import { Controller, Get, Param, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { FeatureFlagsService } from './feature-flags.service';
import { listFlagsQuerySchema, type ListFlagsQuery } from './feature-flags.dto';

/** Flags on for one organization or user; the gateway routes both paths here (WORKOS_API.md §18). */
@Controller()
@RequireApiKey()
export class FlagListsController {
  constructor(private readonly flags: FeatureFlagsService) {}

  @Get('organizations/:id/feature-flags')
  forOrganization(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(listFlagsQuerySchema)) query: ListFlagsQuery) {
    return this.flags.listForOrganization(env, id, query);
  }

  @Get('user_management/users/:id/feature-flags')
  forUser(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(listFlagsQuerySchema)) query: ListFlagsQuery) {
    return this.flags.listForUser(env, id, query);
  }
}
