import { Body, Controller, Get, Patch } from '@nestjs/common';
import { EnvironmentId, RequireApiKey } from '@wos/platform';
import { AuthkitSettingsService } from './authkit-settings.service';

/** Our extension: the hosted pages' sign-up policy, MFA requirement and branding (`wos authkit …`). */
@RequireApiKey()
@Controller('user_management/authkit/settings')
export class AuthkitSettingsController {
  constructor(private readonly settings: AuthkitSettingsService) {}

  @Get()
  get(@EnvironmentId() env: string) {
    return this.settings.get(env);
  }

  @Patch()
  update(@EnvironmentId() env: string, @Body() body: unknown) {
    return this.settings.update(env, body);
  }
}
