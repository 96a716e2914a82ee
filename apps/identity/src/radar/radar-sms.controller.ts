import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { RadarSmsService, sendRadarSmsSchema, type SendRadarSmsInput } from './radar-sms.service';

/** `userManagement.sendRadarSmsChallenge`, and the Java SDK's `getRadarChallenge`. */
@Controller('user_management/radar_challenges')
export class RadarSmsController {
  constructor(private readonly sms: RadarSmsService) {}

  @Post()
  @HttpCode(201)
  send(@EnvironmentId() env: string, @Body(new ZodPipe(sendRadarSmsSchema)) body: SendRadarSmsInput) {
    return this.sms.send(env, body);
  }

  @Get(':id')
  @RequireApiKey()
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.sms.get(env, id);
  }
}
