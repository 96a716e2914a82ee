import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, sendError, toErrorResponse, type Logger } from '@wos/platform';
import { ScimError, scimErrorBody } from '../scim-core/scim-errors';

export const SCIM_PREFIX = '/scim/';

/**
 * The app's exception filter: under /scim/ every error, including body parsing and unknown
 * routes, is a SCIM error body (RFC 7644 §3.12) with its status; elsewhere the platform's WorkOS
 * body. A SCIM 5xx still logs with the request ID.
 */
@Catch()
export class DirectorySyncExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (!req.url.startsWith(SCIM_PREFIX)) return sendError(reply, req, exception, this.logger);
    sendScimError(reply, req, exception, this.logger);
  }
}

export function sendScimError(reply: FastifyReply, req: FastifyRequest, exception: unknown, logger: Logger): void {
  let status: number;
  let detail: string;
  let scimType: ScimError['scimType'];
  if (exception instanceof ScimError) {
    ({ status, scimType } = exception);
    detail = exception.message;
  } else if ((exception as { code?: string }).code === '23503') {
    // A foreign key that vanished mid-request: the directory, user or group was deleted concurrently.
    status = 404;
    detail = 'A resource this request refers to was deleted meanwhile.';
  } else if (exception instanceof HttpException && exception.getStatus() === 404) {
    status = 404;
    detail = 'No such SCIM endpoint.';
  } else {
    // Platform errors (bad JSON, body too large, 503s) keep their status and message.
    const res = toErrorResponse(exception, req.id);
    status = res.status;
    detail = String((res.body as { message?: string }).message ?? 'Request failed.');
    if (status === 400) scimType = 'invalidSyntax';
    if (res.internal) logger.error({ err: exception, request_id: req.id, method: req.method, url: req.url }, 'SCIM request failed');
    if (exception instanceof DomainError && status < 500) detail = exception.message;
  }
  (req as { scimError?: string }).scimError = detail;
  if (reply.sent) return;
  void reply.status(status).header('x-request-id', req.id).type('application/scim+json; charset=utf-8').send(scimErrorBody(status, detail, scimType));
}
