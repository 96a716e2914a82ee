import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { NestMicroservice } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import { createHash } from 'node:crypto';
import { Transform, type Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { newUlid } from '../ids/ids';
import { PinoNestLogger } from '../logging/logger';
import { BadRequestError, UnauthorizedError } from '../errors/errors';
import { API_KEY_REQUIRED } from './api-key.guard';
import { WorkOsExceptionFilter, sendError } from './exception.filter';
import { HealthRegistry } from './health';
import { EMPTY_SHA256, verifyInternalRequest, type AuthKindName } from './internal-auth';
import { registry, observeHttpDuration } from './metrics';
import { runForRequest } from './request-context';
import { KafkaEventTransport } from '../service-kit/kafka-event.transport';
import { RethrowEventErrorsFilter } from '../service-kit/rethrow-event-errors.filter';

declare module 'fastify' {
  interface FastifyRequest {
    environmentId?: string;
    authKind?: AuthKindName;
    clientId?: string;
    /** The body digest the signed context names; the body received must match it. */
    signedContentSha256?: string;
    /** SHA-256 of the body bytes as they were read (set when the body was consumed). */
    receivedContentSha256?: string;
  }
}

/**
 * Which proxies' X-Forwarded-For entries a service believes for `req.ip`: a hop count (1 = the
 * gateway in front of it, never the client-supplied entries before it) or the proxies' CIDRs.
 */
export type TrustProxy = number | string[];

/*
 * Fastify 5.12 trusts nothing for a bare hop count (it cannot check the peer), so a count is
 * given as the function proxy-addr calls for each address from the socket inward: hop i is
 * trusted when i < hops. A service is reachable only through the gateway (and every request is
 * signed by it), which is what makes its hop trustworthy.
 */
function fastifyTrustProxy(trust: TrustProxy): string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

export interface ServiceOptions {
  name: string;
  module: unknown;
  host: string;
  port: number;
  /** Share `port` with the service's other replicas on this host (config REUSE_PORT). */
  reusePort?: boolean;
  logger: Logger;
  /**
   * This service's internal-auth key. When set, every non-plumbing route requires a signed
   * environment context addressed to this service (`name`) for exactly this request.
   */
  internalAuthSecret?: string;
  /** Default 1: only the gateway's hop is trusted (see TrustProxy). */
  trustProxy?: TrustProxy;
  /**
   * Paths (and everything below them) the gateway forwards unsigned (route auth `none`); a signed
   * context is still read when present. Example: `['/scim', '/sso/saml/acs']`.
   */
  unsignedPathPrefixes?: string[];
  /**
   * Paths (and everything below them) that serve a public client: a caller the gateway knows by a
   * client ID alone (its `client_id`, `client_id_path`, `api_key_or_client_id` and `widget_token`
   * routes). A `public_client` context for any other path is refused with 401 before routing, so
   * a route acts with the environment's full authority unless its service lists it here; within
   * these paths `@RequireApiKey()` still narrows. Example: `['/sso/authorize', '/sso/token']`.
   */
  publicClientPathPrefixes?: string[];
  openapi?: () => Record<string, unknown>;
  bodyLimitBytes?: number;
  /**
   * Answers the errors the platform raises before any exception filter runs (router errors such
   * as an over-long path parameter, NUL characters, a missing internal context), for apps whose
   * routes speak another error schema (SCIM). Default: the WorkOS error body.
   */
  sendFrameworkError?: (reply: FastifyReply, req: FastifyRequest, err: unknown) => void;
  /** The module has the kit's KafkaEventTransport (ServiceInfraModule `consumer`): connect it. */
  consumesEvents?: boolean;
  /** Last chance to add raw Fastify routes, hooks or parsers before the app listens. */
  configure?: (fastify: FastifyInstance, app: NestFastifyApplication) => void | Promise<void>;
}

/*
 * Postgres text cannot hold U+0000, and UTF-8 (so Postgres jsonb) cannot hold a lone UTF-16
 * surrogate, so every service refuses both at its edge rather than fail on write. Either can
 * only reach a parsed body through a \u escape, which the raw-text check finds cheaply first.
 */
const UNSTORABLE_MESSAGE = 'The request contains a NUL character (U+0000) or an unpaired surrogate, which is not allowed.';
const UNSTORABLE_ESCAPE = /\\u(0000|[dD][89a-fA-F])/;

function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed();
  if (Array.isArray(value)) return value.some(hasUnstorableText);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => hasUnstorableText(k) || hasUnstorableText(v));
  return false;
}

const PLUMBING = new Set(['/health', '/ready', '/metrics', '/openapi.json']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Starts a NestJS app on Fastify with the platform's plumbing: request IDs, JSON error bodies,
 * tolerant JSON parsing (an empty body is no body), health, readiness, metrics, OpenAPI, and
 * the internal environment context.
 */
export async function bootstrapService(opts: ServiceOptions): Promise<NestFastifyApplication> {
  const sendEarly = earlyErrorSender(opts);
  const adapter = new FastifyAdapter({
    bodyLimit: opts.bodyLimitBytes ?? 1024 * 1024,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${newUlid()}`;
    },
    keepAliveTimeout: 65_000,
    // No service uses Nest middleware (MiddlewareConsumer, app.use): without @fastify/middie, no
    // request runs its hooks (docs/benchmarks.md, per-request layers).
    skipMiddie: true,
    trustProxy: fastifyTrustProxy(opts.trustProxy ?? 1),
    // IDs and external IDs up to 128 characters must fit in one path segment.
    routerOptions: { maxParamLength: 512 },
    // Errors the router raises before any hook runs (a malformed percent-encoding, an
    // over-long parameter) still get a request ID and a WorkOS body.
    frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      void reply.header('x-request-id', req.id);
      sendEarly(reply, req, err);
    },
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, opts.logger),
  });
  const app = await NestFactory.create<NestFastifyApplication>(opts.module as never, adapter, {
    logger: new PinoNestLogger(opts.logger),
    bufferLogs: false,
    // The platform owns body parsing (installPlumbing), so Nest must not register its own.
    bodyParser: false,
    // A wiring error (a missing provider, a bad config value read at construction) is thrown to
    // the caller with its message, instead of Nest's default of exiting the process silently.
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  installPlumbing(fastify, app, opts);
  app.useGlobalFilters(new WorkOsExceptionFilter(opts.logger));
  app.enableShutdownHooks();
  if (opts.consumesEvents) {
    await connectEventTransport(app).catch(async (err: unknown) => {
      await app.close().catch(() => undefined);
      throw err;
    });
  }
  await opts.configure?.(fastify, app);
  // Fastify hands these options to Node's server.listen, which has reusePort (SO_REUSEPORT,
  // Linux) since Node 22.12; Nest's and Fastify's types do not list it yet.
  const listen: { host: string; port: number } = { host: opts.host, port: opts.port, ...(opts.reusePort ? { reusePort: true } : {}) };
  await app.listen(listen);
  opts.logger.info({ host: opts.host, port: opts.port }, `${opts.name} listening`);
  return app;
}

/** Connects the kit's Kafka transport (ServiceInfraModule `consumer`) as a Nest microservice. */
async function connectEventTransport(app: NestFastifyApplication): Promise<void> {
  const transport = app.get(KafkaEventTransport, { strict: false });
  // Deferred: Nest binds a handler's exception filters when it registers the listeners, which
  // connectMicroservice otherwise does at once, before useGlobalFilters could take effect (each
  // handler error would reach the consumer as "Internal server error"). The app's own init runs
  // the lifecycle hooks, so the microservice must not run them a second time when it listens.
  const microservice = app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false, deferInitialization: true }) as INestMicroservice & NestMicroservice;
  microservice.useGlobalFilters(new RethrowEventErrorsFilter());
  microservice.setIsInitHookCalled(true);
  await app.startAllMicroservices();
}

/** Whether `path` is one of `prefixes` or below one (`/sso/token` covers `/sso/token/x`, not `/sso/tokens`). */
function isUnder(path: string, prefixes: readonly string[] | undefined): boolean {
  return prefixes?.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)) ?? false;
}

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/* Returns nothing, never the reply: the hooks return its result, and a reply is a thenable that
 * Fastify's hook runner would wait on and then run the remaining hooks for an answered request. */
function earlyErrorSender(opts: ServiceOptions): (reply: FastifyReply, req: FastifyRequest, err: unknown) => void {
  return (reply, req, err) => {
    if (opts.sendFrameworkError) opts.sendFrameworkError(reply, req, err);
    else sendError(reply, req, err, opts.logger);
  };
}

function installPlumbing(fastify: FastifyInstance, app: NestFastifyApplication, opts: ServiceOptions): void {
  const sendEarly = earlyErrorSender(opts);
  const defaultJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    defaultJson(req, text, (err, value) => {
      if (err) return done(err, undefined);
      if (UNSTORABLE_ESCAPE.test(text) && hasUnstorableText(value)) return done(new BadRequestError('invalid_characters', UNSTORABLE_MESSAGE), undefined);
      done(null, value);
    });
  });

  /*
   * The hooks take Fastify's callback form rather than async functions: each runs on every
   * request, and an async hook costs a promise and a microtask turn even when it does nothing.
   * A hook that answers the request itself (sendEarly) does not call `done`.
   *
   * The rest of a request, its handler included, runs as work for its ID (request-context.ts),
   * entered when onRequest passes the request on. It holds for a body that arrives after the
   * headers too (bootstrap.int.spec.ts sends one that way).
   */
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, onRequestDone: () => void) => {
    const done = () => runForRequest(req.id, onRequestDone);
    void reply.header('x-request-id', req.id);
    if (req.url.includes('%00')) return sendEarly(reply, req, new BadRequestError('invalid_characters', UNSTORABLE_MESSAGE));
    if (!opts.internalAuthSecret) return done();
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    if (PLUMBING.has(path)) return done();
    const context = verifyInternalRequest(opts.internalAuthSecret, opts.name, req);
    if (context) {
      if (context.authKind === 'public_client' && !isUnder(path, opts.publicClientPathPrefixes)) return sendEarly(reply, req, new UnauthorizedError(API_KEY_REQUIRED));
      req.environmentId = context.environmentId;
      req.authKind = context.authKind;
      req.clientId = context.clientId;
      req.signedContentSha256 = context.contentSha256;
      return done();
    }
    // Unsigned paths authenticate the caller themselves (SCIM tokens, SAML posts, profile tokens)
    // and must take the environment from their own rows: req.environmentId stays unset.
    if (isUnder(path, opts.unsignedPathPrefixes)) return done();
    return sendEarly(reply, req, new UnauthorizedError('Missing or invalid internal environment context.'));
  });
  // The signed body digest is checked against the bytes as read, before any handler sees them.
  fastify.addHook('preParsing', (req: FastifyRequest, _reply: FastifyReply, payload: RequestPayload, done: (err: Error | null, payload?: RequestPayload) => void) => {
    if (req.signedContentSha256 === undefined || !hasBody(req)) return done(null, payload);
    const hash = createHash('sha256');
    const digest = new Transform({
      transform(chunk: Buffer, _enc, next) {
        hash.update(chunk);
        next(null, chunk);
      },
      flush(next) {
        req.receivedContentSha256 = hash.digest('hex');
        next();
      },
    });
    // `pipe` with failures forwarded by hand rather than stream.pipeline, which makes an
    // AbortController per call and aborts it when done: a DOMException, stack trace and all, on
    // every request with a body. Either way a body that fails or stops early fails the parse.
    const onError = (err: Error) => digest.destroy(err);
    const onClose = () => {
      if (!payload.readableEnded) digest.destroy(new Error('the request body ended early'));
    };
    payload.once('error', onError);
    payload.once('close', onClose);
    // Removed once the digest is done. An idle keep-alive connection still references its last
    // request, and these closures would keep that request's whole object graph (the digest, the
    // Fastify request, what the handler hung on it) alive through young-generation GCs: with the
    // gateway's 128 connections per service, 5 MB copied per scavenge and 10–30 ms pauses
    // (docs/benchmarks.md, GC pauses).
    digest.once('close', () => {
      payload.removeListener('error', onError);
      payload.removeListener('close', onClose);
    });
    done(null, payload.pipe(digest) as unknown as RequestPayload);
  });
  fastify.addHook('preValidation', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (req.signedContentSha256 === undefined || req.signedContentSha256 === (req.receivedContentSha256 ?? EMPTY_SHA256)) return done();
    return sendEarly(reply, req, new UnauthorizedError('Missing or invalid internal environment context.'));
  });
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    observeHttpDuration(reply.elapsedTime / 1000, req.method, req.routeOptions?.url ?? 'unmatched', String(reply.statusCode));
    done();
  });

  fastify.get('/health', async () => ({ status: 'ok' }));
  fastify.get('/ready', async (_req, reply) => {
    const health = app.get(HealthRegistry, { strict: false });
    const result = await health.run();
    return reply.status(result.ok ? 200 : 503).send({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks });
  });
  fastify.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  if (opts.openapi) {
    const doc = opts.openapi();
    fastify.get('/openapi.json', async () => doc);
  }
}

/*
 * Errors Node's HTTP parser raises before Fastify sees a request (oversized headers, a garbage
 * request line, a header timeout) still get a WorkOS body and a request ID; the connection is
 * closed after, as Node does, because the stream position is unknown.
 */
const CLIENT_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', code: 'request_header_fields_too_large', message: 'The request headers are too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', code: 'request_timeout', message: 'The request was not received in time.' },
};
const MALFORMED = { status: 400, reason: 'Bad Request', code: 'malformed_request', message: 'The request is not valid HTTP/1.1.' };

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e = CLIENT_ERRORS[err.code ?? ''] ?? MALFORMED;
  const requestId = `req_${newUlid()}`;
  logger.debug({ err, request_id: requestId }, 'client error');
  const body = JSON.stringify({ message: e.message, code: e.code });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${e.status} ${e.reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-ID: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

