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
  // The route template, never the URL: query strings carry codes, states and tokens (L10).
  if (res.internal) logger.error({ err: exception, request_id: req.id, method: req.method, route: req.routeOptions?.url ?? 'unmatched' }, 'request failed');
  if (reply.sent) return;
  const send = () => void reply.status(res.status).headers(res.headers).type('application/json').send(res.body);
  if (res.status !== 413) return send();
  // A 413 is decided before the body is read. Answering at once and closing would make the
  // kernel reset a connection that still holds unread bytes, and a client still writing would
  // lose the answer (EPIPE). So the rest of the body is read and discarded first (bounded), the
  // connection is kept, and only then is the 413 sent.
  reply.removeHeader('connection');
  drainRequest(req.raw, () => send(), () => {
    void reply.header('connection', 'close');
    send();
  });
}

/* A client that keeps sending past this much, or for this long, gets the 413 and a closed connection. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 15_000;

function drainRequest(raw: FastifyRequest['raw'], drained: () => void, gaveUp: () => void): void {
  if (raw.complete || raw.destroyed) return drained();
  let bytes = 0;
  let settled = false;
  const finish = (ok: boolean) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    raw.removeListener('data', onData);
    raw.removeListener('end', onEnd);
    raw.removeListener('close', onEnd);
    if (ok) drained();
    else gaveUp();
  };
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > DRAIN_MAX_BYTES) finish(false);
  };
  const onEnd = () => finish(true);
  const timer = setTimeout(() => finish(false), DRAIN_MAX_MS);
  raw.on('data', onData);
  raw.once('end', onEnd);
  raw.once('close', onEnd);
  raw.resume();
}
