import { Body, Controller, Get, Put } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { radarSettingsPatchSchema, type RadarSettingsPatch } from '../radar-core/settings';
import { SettingsService } from './settings.service';

/** `GET|PUT /radar/settings`: our extension (WorkOS configures Radar in its dashboard). */
@Controller('radar/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  async get(@EnvironmentId() env: string) {
    return { object: 'radar_settings', ...(await this.settings.get(env)) };
  }

  @Put()
  async update(@EnvironmentId() env: string, @Body(new ZodPipe(radarSettingsPatchSchema)) body: RadarSettingsPatch) {
    return { object: 'radar_settings', ...(await this.settings.update(env, body)) };
  }
}
