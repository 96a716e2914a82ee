import { Controller, Get, Param } from '@nestjs/common';
import { EnvironmentId } from '@wos/platform';
import { ConfigurationService } from './configuration.service';

/** Routed here by the gateway (`/organizations/:id/audit_log_configuration`), not to organizations. */
@Controller('organizations/:id/audit_log_configuration')
export class ConfigurationController {
  constructor(private readonly configuration: ConfigurationService) {}

  @Get()
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.configuration.get(env, id);
  }
}
