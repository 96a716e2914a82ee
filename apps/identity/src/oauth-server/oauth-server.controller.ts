import type { IncomingMessage } from 'node:http';
import { All, Controller, Injectable, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, NotFoundError, RequestClientId } from '@wos/platform';
import { oauthRequestContext, type OAuthRequestContext } from './oauth-adapter';
import { OAuthProvidersService } from './oauth-providers.service';

/**
 * `/oauth2/<client_id>/…`: every protocol endpoint of the environment's authorization server
 * (discovery, authorize, token, userinfo, jwks, introspect, revoke, register) is oidc-provider's.
 * The gateway resolved the environment from the path's client ID (route auth `client_id_path`).
 */
@Injectable()
@Controller('oauth2/:env')
export class OAuthServerController {
  constructor(private readonly providers: OAuthProvidersService) {}

  @All()
  root(@EnvironmentId() environmentId: string, @RequestClientId() clientId: string | undefined, @Param('env') env: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.handle(environmentId, clientId, env, req, reply);
  }

  @All('*')
  handle(@EnvironmentId() environmentId: string, @RequestClientId() clientId: string | undefined, @Param('env') env: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.serve(environmentId, clientId, env, req, reply, req.url);
  }

  /** Hands the request to the environment's provider as if it had been sent to `url` (below the issuer's path). */
  async serve(environmentId: string, clientId: string | undefined, env: string, req: FastifyRequest, reply: FastifyReply, url: string): Promise<void> {
    if (!clientId || clientId !== env) throw new NotFoundError('an authorization server', env);
    const built = await this.providers.get(environmentId, env);
    if (!url.startsWith(built.mountPath)) throw new NotFoundError('an authorization server', env);
    const raw = req.raw as IncomingMessage & { originalUrl?: string; body?: unknown };
    // oidc-provider is mounted at the issuer's path: it sees the rest, and finds its mount in originalUrl.
    raw.originalUrl = url;
    raw.url = url.slice(built.mountPath.length) || '/';
    if (raw.url.startsWith('?')) raw.url = `/${raw.url}`;
    // Fastify read the body already; oidc-provider takes a parsed body from req.body.
    if (req.body !== undefined) raw.body = req.body;
    const context: OAuthRequestContext = { clientAuth: clientAuthOf(req) };
    void reply.hijack();
    oauthRequestContext.run(context, () => built.handle(raw, reply.raw));
  }
}

function clientAuthOf(req: FastifyRequest): OAuthRequestContext['clientAuth'] {
  if (/^basic /i.test(req.headers.authorization ?? '')) return 'client_secret_basic';
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' && typeof body.client_secret === 'string' ? 'client_secret_post' : 'none';
}
