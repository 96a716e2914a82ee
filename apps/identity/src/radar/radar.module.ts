import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { UsersModule } from '../users/users.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { DevSmsController } from './dev-sms.controller';
import { RadarChallengeService } from './radar-challenge.service';
import { RadarSmsController } from './radar-sms.controller';
import { RadarSmsService } from './radar-sms.service';
import { RadarClient } from './radar.client';
import { RadarSignUpService } from './radar-sign-up.service';
import { NewDeviceMailService } from './new-device-mail.service';
import { RadarEventsConsumer } from './consumers/radar.consumer';
import { SMS_SENDER, smsSenderFromConfig } from './sms-sender';

/**
 * Registers the radar sign-in and sign-up gates, the radar email and SMS challenge grants,
 * sendRadarSmsChallenge, and the new-device email (radar.known_device.created).
 */
@Module({
  imports: [EmailFlowsModule, UsersModule, AuthenticateModule, MembershipsModule],
  controllers: [RadarSmsController, DevSmsController, RadarEventsConsumer],
  providers: [
    RadarClient,
    RadarChallengeService,
    RadarSmsService,
    RadarSignUpService,
    NewDeviceMailService,
    { provide: SMS_SENDER, useFactory: (config: AppConfig) => smsSenderFromConfig(config), inject: [APP_CONFIG] },
  ],
})
export class RadarModule {}
