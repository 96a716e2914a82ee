import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { RadarSmsService, sendRadarSmsSchema, type SendRadarSmsInput } from './radar-sms.service';

/** `userManagement.sendRadarSmsChallenge`. */
@Controller('user_management/radar_challenges')
export class RadarSmsController {
  constructor(private readonly sms: RadarSmsService) {}

  @Post()
  @HttpCode(201)
  send(@EnvironmentId() env: string, @Body(new ZodPipe(sendRadarSmsSchema)) body: SendRadarSmsInput) {
    return this.sms.send(env, body);
  }
}
