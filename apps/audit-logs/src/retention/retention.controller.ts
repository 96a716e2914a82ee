import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { updateRetentionBodySchema, type UpdateRetentionBody } from './retention.dto';
import { RetentionService } from './retention.service';

/** Routed here by the gateway (`/organizations/:id/audit_logs_retention`), not to organizations. */
@Controller('organizations/:id/audit_logs_retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.retention.get(env, id);
  }

  @Put()
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateRetentionBodySchema)) body: UpdateRetentionBody) {
    return this.retention.update(env, id, body);
  }
}
