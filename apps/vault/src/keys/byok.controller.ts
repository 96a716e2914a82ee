import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { listByokKeysQuerySchema, registerByokKeySchema, type ListByokKeysQuery, type RegisterByokKeyInput } from './byok.dto';
import { ByokService } from './byok.service';

/**
 * `/vault/v1/byok/keys` — our extension (WorkOS configures BYOK in its Admin Portal; the SDK has
 * no methods for it): an organization's own root key. DELETE revokes it (`vault.byok_key.deleted`).
 */
@Controller('vault/v1/byok/keys')
@RequireApiKey()
export class ByokController {
  constructor(private readonly byok: ByokService) {}

  @Post()
  @HttpCode(201)
  register(@EnvironmentId() env: string, @Body(new ZodPipe(registerByokKeySchema)) body: RegisterByokKeyInput) {
    return this.byok.register(env, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listByokKeysQuerySchema)) query: ListByokKeysQuery) {
    return this.byok.list(env, query);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.byok.get(env, id);
  }

  @Delete(':id')
  @HttpCode(200)
  revoke(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.byok.revoke(env, id);
  }
}
