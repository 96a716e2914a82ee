import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, NotFoundError, RequestClientId } from '@wos/platform';
import { InteractionsService, type InteractionOutcome } from './interactions.service';

/** Login and consent steps of `/oauth2/<client_id>` authorizations (see InteractionsService). */
@Controller('oauth2/:env/interaction/:uid')
export class InteractionsController {
  constructor(private readonly interactions: InteractionsService) {}

  @Get()
  async start(@EnvironmentId() envId: string, @RequestClientId() clientId: string | undefined, @Param('env') env: string, @Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return send(reply, await this.interactions.start(envId, issuerOf(clientId, env), uid, raw(req, reply)));
  }

  @Get('callback')
  async callback(@EnvironmentId() envId: string, @RequestClientId() clientId: string | undefined, @Param('env') env: string, @Param('uid') uid: string, @Query() q: Record<string, string>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return send(reply, await this.interactions.callback(envId, issuerOf(clientId, env), uid, { code: q.code, state: q.state }, raw(req, reply)));
  }

  @Get('external')
  async external(@EnvironmentId() envId: string, @RequestClientId() clientId: string | undefined, @Param('env') env: string, @Param('uid') uid: string, @Query() q: Record<string, string>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return send(reply, await this.interactions.externalReturn(envId, issuerOf(clientId, env), uid, q.external_auth_id, raw(req, reply)));
  }

  @Post('confirm')
  async confirm(@EnvironmentId() envId: string, @RequestClientId() clientId: string | undefined, @Param('env') env: string, @Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return send(reply, await this.interactions.confirm(envId, issuerOf(clientId, env), uid, raw(req, reply)));
  }

  @Post('abort')
  async abort(@EnvironmentId() envId: string, @RequestClientId() clientId: string | undefined, @Param('env') env: string, @Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return send(reply, await this.interactions.abort(envId, issuerOf(clientId, env), uid, raw(req, reply)));
  }
}

/** The path's client ID must be the one the gateway resolved the environment from. */
function issuerOf(clientId: string | undefined, env: string): string {
  if (!clientId || clientId !== env) throw new NotFoundError('an authorization server', env);
  return env;
}

const raw = (req: FastifyRequest, reply: FastifyReply) => ({ req: req.raw, res: reply.raw });

/*
 * oidc-provider writes its cookies on the raw response; Fastify sends the rest, keeping them.
 */
function send(reply: FastifyReply, outcome: InteractionOutcome) {
  const cookies = reply.raw.getHeader('set-cookie');
  if (cookies !== undefined) void reply.header('set-cookie', cookies);
  void reply.header('cache-control', 'no-store');
  if ('redirectTo' in outcome) return reply.status(303).header('location', outcome.redirectTo).send();
  return reply
    .status(200)
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    .type('text/html; charset=utf-8')
    .send(outcome.html);
}
