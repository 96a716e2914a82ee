import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EnvironmentId } from '@wos/platform';
import { AuditEventsService } from './audit-events.service';

@Controller('audit_logs/events')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  /**
   * The body is validated by the service, which answers WorkOS's 400 `invalid_audit_log` (not the
   * pipe's 422). This service alone keeps the Idempotency-Key record (the gateway's
   * SERVICE_IDEMPOTENT_CREATES), so a replay is marked here as the gateway marks its own.
   */
  @Post()
  @HttpCode(201)
  async create(@EnvironmentId() env: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const outcome = await this.events.create(env, body, key?.length ? key : undefined);
    if (outcome === 'replayed') void reply.header('idempotent-replayed', 'true');
    return { success: true };
  }
}
