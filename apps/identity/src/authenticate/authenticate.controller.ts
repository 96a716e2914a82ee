import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { AuthKind, EnvironmentId, RequestClientId } from '@wos/platform';
import { AuthenticateService } from './authenticate.service';

@Controller('user_management/authenticate')
export class AuthenticateController {
  constructor(private readonly authenticate: AuthenticateService) {}

  /** Body validation is per grant type, inside the service. */
  @Post()
  @HttpCode(200)
  run(@EnvironmentId() env: string, @AuthKind() kind: 'api_key' | 'public_client', @RequestClientId() clientId: string | undefined, @Body() body: unknown) {
    return this.authenticate.authenticate(env, kind, body, clientId);
  }
}
