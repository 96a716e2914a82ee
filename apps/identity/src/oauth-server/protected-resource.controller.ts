import { Controller, Get, Header, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentId, NotFoundError, RequestClientId, ValidationError } from '@wos/platform';
import { OAuthProvidersService } from './oauth-providers.service';
import { OAuthServerController } from './oauth-server.controller';
import { isAllowedResource } from './resources';

/**
 * Discovery helpers for MCP clients and servers:
 * - RFC 9728 protected-resource metadata for a customer's MCP server (`?resource=<its URL>`), to
 *   be served (or proxied) at that server's `/.well-known/oauth-protected-resource`;
 * - RFC 8414 §3.1's path-inserted form of this issuer's metadata
 *   (`/.well-known/oauth-authorization-server/oauth2/<client_id>`), which MCP clients try first.
 */
@Controller()
export class ProtectedResourceController {
  constructor(
    private readonly providers: OAuthProvidersService,
    private readonly server: OAuthServerController,
  ) {}

  @Get('oauth2/:env/.well-known/oauth-protected-resource')
  @Header('cache-control', 'public, max-age=300')
  metadata(@RequestClientId() clientId: string | undefined, @Param('env') env: string, @Query('resource') resource: unknown) {
    if (!clientId || clientId !== env) throw new NotFoundError('an authorization server', env);
    if (typeof resource !== 'string' || !isAllowedResource(resource)) {
      throw new ValidationError([{ field: 'resource', code: 'invalid_resource', message: 'resource is the MCP server URL: https (or http on loopback), no fragment.' }]);
    }
    return {
      resource,
      authorization_servers: [this.providers.issuer(env)],
      bearer_methods_supported: ['header'],
      resource_signing_alg_values_supported: ['RS256'],
    };
  }

  @Get('.well-known/oauth-authorization-server/oauth2/:env')
  pathInserted(@EnvironmentId() environmentId: string, @RequestClientId() clientId: string | undefined, @Param('env') env: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    // Served by the provider itself, as `<issuer>/.well-known/oauth-authorization-server`.
    const q = req.url.indexOf('?');
    (req.raw as { url?: string }).url = `/oauth2/${env}/.well-known/oauth-authorization-server${q === -1 ? '' : req.url.slice(q)}`;
    return this.server.serve(environmentId, clientId, env, req, reply, req.raw.url!);
  }
}
