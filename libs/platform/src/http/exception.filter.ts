import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { toErrorResponse } from '../errors/error-response';

/** The one exception filter of every app: any error becomes a WorkOS error body. */
@Catch()
export class WorkOsExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendError(reply, req, exception, this.logger);
  }
}

export function sendError(reply: FastifyReply, req: FastifyRequest, exception: unknown, logger: Logger): void {
  const res = toErrorResponse(exception, req.id);
  if (res.internal) logger.error({ err: exception, request_id: req.id, method: req.method, url: req.url }, 'request failed');
  if (reply.sent) return;
  // Fastify closes the connection after a body that is too large, so the client's unsent
  // bytes meet a reset and it may never read the 413. Keeping the connection lets Node read
  // and discard the rest of the body (bounded by the server's requestTimeout) and the client
  // always gets its answer.
  if (res.status === 413) reply.removeHeader('connection');
  void reply.status(res.status).headers(res.headers).type('application/json').send(res.body);
}
