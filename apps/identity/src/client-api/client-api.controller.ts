import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { createClientApiTokenSchema, type CreateClientApiTokenInput } from './client-api.dto';
import { ClientApiService } from './client-api.service';

@RequireApiKey()
@Controller('client/token')
export class ClientApiController {
  constructor(private readonly clientApi: ClientApiService) {}

  @Post()
  @HttpCode(200)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createClientApiTokenSchema)) body: CreateClientApiTokenInput) {
    return this.clientApi.createToken(env, body);
  }
}
