import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { ConnectSettingsRepository, type ConnectSettings } from './connect-settings.repository';
import { completeOAuth2Schema, connectSettingsSchema, type CompleteOAuth2Input, type ConnectSettingsInput } from './external-auth.dto';
import { ExternalAuthService } from './external-auth.service';
import { OAuthProvidersService } from './oauth-providers.service';

const toWire = (s: ConnectSettings) => ({ object: 'connect_settings', dynamic_registration_enabled: s.dynamicRegistrationEnabled, external_login_url: s.externalLoginUrl });

/** `/connect/settings` (ours; WorkOS keeps these in its dashboard). */
@RequireApiKey()
@Controller('connect/settings')
export class ConnectSettingsController {
  constructor(
    private readonly settings: ConnectSettingsRepository,
    private readonly providers: OAuthProvidersService,
  ) {}

  @Get()
  async get(@EnvironmentId() env: string) {
    return toWire(await this.settings.get(env));
  }

  @Put()
  async put(@EnvironmentId() env: string, @Body(new ZodPipe(connectSettingsSchema)) body: ConnectSettingsInput) {
    const saved = await this.settings.put(env, {
      ...(body.dynamic_registration_enabled !== undefined ? { dynamicRegistrationEnabled: body.dynamic_registration_enabled } : {}),
      ...(body.external_login_url !== undefined ? { externalLoginUrl: body.external_login_url } : {}),
    });
    // This replica at once; others within a minute (OAuthProvidersService's rebuild interval).
    this.providers.invalidate(env);
    return toWire(saved);
  }
}

/** `POST /authkit/oauth2/complete` (SDK `connect.completeOAuth2`). */
@RequireApiKey()
@Controller('authkit/oauth2/complete')
export class ExternalAuthController {
  constructor(private readonly external: ExternalAuthService) {}

  @Post()
  @HttpCode(200)
  complete(@EnvironmentId() env: string, @Body(new ZodPipe(completeOAuth2Schema)) body: CompleteOAuth2Input) {
    return this.external.complete(env, body);
  }
}
