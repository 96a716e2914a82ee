import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { z } from 'zod';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { orgConfigInputSchema, slugSchema, type OrgConfigInput } from './integrations.dto';
import { OrgConfigsService } from './org-configs.service';

const id = new ZodPipe(z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/));

/** `/organizations/:organizationId/data_integration_configurations` (the Java SDK's pipesProvider). */
@Controller('organizations/:organizationId/data_integration_configurations')
@RequireApiKey()
export class OrgConfigsController {
  constructor(private readonly configs: OrgConfigsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Param('organizationId', id) o: string) {
    return this.configs.list(env, o);
  }

  @Put(':slug')
  put(@EnvironmentId() env: string, @Param('organizationId', id) o: string, @Param('slug', new ZodPipe(slugSchema)) s: string, @Body(new ZodPipe(orgConfigInputSchema)) body: OrgConfigInput) {
    return this.configs.put(env, o, s, body);
  }
}
