import { Controller, Get, Header } from '@nestjs/common';
import { EnvironmentId } from '@wos/platform';
import { SigningKeysService } from './signing-keys.service';

/**
 * GET /sso/jwks/:clientId. The gateway resolved the environment from the client ID in the path
 * (route auth `client_id`), so the parameter itself is not read here.
 */
@Controller('sso/jwks')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get(':clientId')
  @Header('cache-control', 'public, max-age=300')
  async jwks(@EnvironmentId() env: string) {
    return { keys: await this.keys.jwks(env) };
  }
}
