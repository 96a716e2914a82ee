import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { LoggerService } from '@nestjs/common';
import { currentRequestId } from '../http/request-context';

/**
 * JSON logs with, on every line, the ID of the request the work runs for (`request_id`, when a
 * request started it) and the active trace and span IDs.
 */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const requestId = currentRequestId();
      const fields: Record<string, string> = requestId === undefined ? {} : { request_id: requestId };
      const span = trace.getActiveSpan();
      if (!span) return fields;
      const ctx = span.spanContext();
      if (!isSpanContextValid(ctx)) return fields;
      return { ...fields, trace_id: ctx.traceId, span_id: ctx.spanId };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Routes Nest's own logging into pino; the Nest context (class name) becomes `context`. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, stack: trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
