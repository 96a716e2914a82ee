import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER, type Logger } from '@wos/platform';
import { DirectoriesService } from '../directories/directories.service';
import { scimQuirks } from '../scim-core/scim-quirks';
import { ScimRequestLogRepository } from './scim-request-log.repository';

/** sendScimError leaves the detail it answered with here, for the log. */
export interface ScimLoggedRequest extends FastifyRequest {
  scimError?: string;
}

/**
 * Records each SCIM request of a directory once its response is sent (the IdP never waits for
 * it; a failed write is logged and dropped, since this log is a diagnostic, not a record).
 * Invariant: only requests that passed the directory's bearer token are recorded — every SCIM
 * handler authenticates first, so any answer but a 401 did — so nobody without the token can
 * write into, or push entries out of, a directory's log.
 */
@Injectable()
export class ScimRequestLogInterceptor implements NestInterceptor {
  private readonly log: Logger;

  constructor(
    private readonly requests: ScimRequestLogRepository,
    private readonly directories: DirectoriesService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: ScimRequestLogInterceptor.name });
  }

  intercept(context: ExecutionContext, next: CallHandler) {
    const req = context.switchToHttp().getRequest<ScimLoggedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const started = performance.now();
    reply.raw.once('finish', () => void this.record(req, reply.statusCode, Math.round(performance.now() - started)));
    return next.handle();
  }

  private async record(req: ScimLoggedRequest, status: number, durationMs: number): Promise<void> {
    if (status === 401) return;
    const directoryId = (req.params as { directoryId?: string }).directoryId;
    try {
      const d = directoryId ? await this.directories.findForScim(directoryId) : null;
      if (!d) return;
      await this.requests.append({
        environmentId: d.environment_id,
        directoryId: d.id,
        method: req.method,
        path: req.url.slice(0, 512),
        status,
        durationMs,
        error: req.scimError?.slice(0, 500) ?? null,
        quirks: scimQuirks(req.method, req.url, req.body),
      });
    } catch (err) {
      this.log.warn({ err: (err as Error).message, directory_id: directoryId }, 'could not record a SCIM request');
    }
  }
}
