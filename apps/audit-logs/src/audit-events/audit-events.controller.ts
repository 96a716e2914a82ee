import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId } from '@wos/platform';
import { AuditEventsService } from './audit-events.service';

@Controller('audit_logs/events')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  /** The body is validated by the service, which answers WorkOS's 400 `invalid_audit_log` (not the pipe's 422). */
  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined) {
    return this.events.create(env, body, key?.length ? key : undefined);
  }
}
