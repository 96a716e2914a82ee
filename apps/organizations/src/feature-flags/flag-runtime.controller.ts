import { Controller, Get, Headers, Inject, Query, Req, Res, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import { DomainError, EnvironmentId, registry, RequireApiKey, ZodPipe } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { etagMatches } from '../flags-core/flag-rules';
import { FeatureFlagsService } from './feature-flags.service';
import { FlagPayloadService, type FlagPayload } from './flag-payload.service';
import { flagClaimsQuerySchema } from './feature-flags.dto';

const HEARTBEAT_MS = 15_000;
const openStreams = new Gauge({ name: 'feature_flag_streams_open', help: 'Open GET /sdk/feature-flags/stream connections on this replica', registers: [registry] });

/**
 * The runtime side: the payload the SDK's runtime client polls (with a strong ETag, so an
 * unchanged poll is a 304 answered from memory), the server-sent-events stream that pushes each
 * new payload (our extension), and identity's internal claim lookup. None of them queries the
 * database while the environment's payload is cached and current (FlagPayloadService).
 */
@Controller()
export class FlagRuntimeController implements OnModuleDestroy {
  private readonly streams = new Set<(shutdown?: boolean) => void>();

  constructor(
    private readonly payloads: FlagPayloadService,
    private readonly flags: FeatureFlagsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('sdk/feature-flags')
  @RequireApiKey()
  async poll(@EnvironmentId() env: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const p = await this.payloads.get(env);
    void reply.header('etag', p.etag).header('cache-control', 'no-cache');
    if (etagMatches(ifNoneMatch, p.etag)) return void reply.code(304).send();
    return void reply.code(200).type('application/json; charset=utf-8').send(p.body);
  }

  /**
   * `text/event-stream`: an `event: flags` message with the whole payload (`id:` its version) at
   * once and after every change, and a comment every 15 s so idle proxies keep the connection.
   * A client that reconnects with `Last-Event-ID` equal to the current version gets no repeat.
   */
  @Get('sdk/feature-flags/stream')
  @RequireApiKey()
  async stream(@EnvironmentId() env: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (this.streams.size >= this.config.FEATURE_FLAG_STREAMS_MAX) {
      throw new DomainError(503, 'too_many_streams', 'This replica serves its maximum of feature-flag streams; poll GET /sdk/feature-flags or retry later.');
    }
    if (this.payloads.subscriberCount(env) >= this.config.FEATURE_FLAG_STREAMS_PER_ENVIRONMENT) {
      throw new DomainError(429, 'too_many_streams', 'This environment holds its maximum of feature-flag streams on this replica; close one, or poll GET /sdk/feature-flags.');
    }
    let sent = BigInt(String(req.headers['last-event-id'] ?? '').match(/^\d{1,19}$/)?.[0] ?? '-1');
    const raw = reply.raw;
    const send = (p: FlagPayload) => {
      if (p.version <= sent) return;
      sent = p.version;
      raw.write(`id: ${p.version}\nevent: flags\ndata: ${p.body.toString('utf8')}\n\n`);
    };
    // Subscribed before the first read, so no change can fall between the two.
    const unsubscribe = this.payloads.subscribe(env, send);
    const first = await this.payloads.get(env).catch((err: Error) => err);
    if (first instanceof Error) {
      unsubscribe();
      throw first;
    }
    reply.hijack();
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    raw.write('retry: 1000\n\n');
    send(first);
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const close = (shutdown = false) => {
      clearInterval(heartbeat);
      unsubscribe();
      if (this.streams.delete(close)) openStreams.dec();
      if (!raw.writableEnded) raw.end();
      // At shutdown the connection goes too, whether or not the end was flushed (a stalled reader
      // never lets it finish): a kept-alive socket would hold the server's close.
      if (shutdown) setImmediate(() => raw.socket?.destroy());
    };
    this.streams.add(close);
    openStreams.inc();
    raw.on('close', () => close());
    if (raw.destroyed || raw.closed) close(); // the client left before the listener was attached
  }

  /** identity → organizations (INTERNAL_CALLS): the slugs for an access token's `feature_flags` claim. */
  @Get('internal/feature-flags/claims')
  async claims(@EnvironmentId() env: string, @Query(new ZodPipe(flagClaimsQuerySchema)) q: { organization_id?: string; user_id: string }): Promise<{ feature_flags: string[] }> {
    return { feature_flags: await this.flags.claims(env, q.organization_id, q.user_id) };
  }

  /** Open streams end before the HTTP server closes, or they would hold it open. */
  onModuleDestroy(): void {
    for (const close of [...this.streams]) close(true);
  }
}
