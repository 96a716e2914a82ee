import { Module } from '@nestjs/common';
import { AuthenticateModule } from '../authenticate/authenticate.module';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { UsersModule } from '../users/users.module';
import { RadarChallengeService } from './radar-challenge.service';
import { RadarClient } from './radar.client';

/** Registers the radar sign-in gate and the radar email-challenge grant. */
@Module({
  imports: [EmailFlowsModule, UsersModule, AuthenticateModule],
  providers: [RadarClient, RadarChallengeService],
})
export class RadarModule {}
