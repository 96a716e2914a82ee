import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { ConnectionsService } from './connections.service';
import { createConnectionSchema, listConnectionsQuerySchema, type CreateConnectionInput, type ListConnectionsQuery } from './connections.dto';

/**
 * `/connections`: the WorkOS reads and delete (WORKOS_API.md §9), plus our management
 * extension in the same style (create, activate, deactivate, SP metadata).
 */
@RequireApiKey()
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listConnectionsQuerySchema)) query: ListConnectionsQuery) {
    return this.connections.list(env, query);
  }

  @Post()
  @HttpCode(201)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createConnectionSchema)) body: CreateConnectionInput) {
    return this.connections.create(env, body);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.connections.get(env, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.connections.delete(env, id);
  }

  @Post(':id/activate')
  @HttpCode(200)
  activate(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.connections.activate(env, id);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.connections.deactivate(env, id);
  }

  @Get(':id/sp_metadata')
  spMetadata(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.connections.spMetadata(env, id);
  }
}

/** The SP metadata an IdP may import by URL; the URL is also the connection's SP entity ID. */
@Controller('sso/saml/metadata')
export class SamlMetadataController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get(':id')
  @Header('content-type', 'application/samlmetadata+xml; charset=utf-8')
  metadata(@Param('id') id: string) {
    return this.connections.publicMetadataXml(id);
  }
}
