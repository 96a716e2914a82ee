import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { UsersModule } from '../users/users.module';
import { DevSmsController } from './dev-sms.controller';
import { RadarChallengeService } from './radar-challenge.service';
import { RadarSmsController } from './radar-sms.controller';
import { RadarSmsService } from './radar-sms.service';
import { RadarClient } from './radar.client';
import { SMS_SENDER, smsSenderFromConfig } from './sms-sender';

/** Registers the radar sign-in gate, the radar email and SMS challenge grants and sendRadarSmsChallenge. */
@Module({
  imports: [EmailFlowsModule, UsersModule, AuthenticateModule],
  controllers: [RadarSmsController, DevSmsController],
  providers: [
    RadarClient,
    RadarChallengeService,
    RadarSmsService,
    { provide: SMS_SENDER, useFactory: (config: AppConfig) => smsSenderFromConfig(config), inject: [APP_CONFIG] },
  ],
})
export class RadarModule {}
