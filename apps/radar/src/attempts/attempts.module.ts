import { Module } from '@nestjs/common';
import { ListsModule } from '../lists/lists.module';
import { SettingsModule } from '../settings/settings.module';
import { AttemptsController } from './attempts.controller';
import { AttemptsRepository } from './attempts.repository';
import { AttemptsService } from './attempts.service';
import { AttemptContinuationsController } from './continuations.controller';
import { IdentityEventsConsumer } from './consumers/identity.consumer';
import { StatsController } from './stats.controller';
import { RiskWindowsRepository } from './risk-windows.repository';
import { AsnRepository } from './asn.repository';
import { GeoIpRepository } from './geoip.repository';

@Module({
  imports: [ListsModule, SettingsModule],
  controllers: [AttemptsController, AttemptContinuationsController, StatsController, IdentityEventsConsumer],
  providers: [AttemptsRepository, AttemptsService, RiskWindowsRepository, GeoIpRepository, AsnRepository],
  exports: [AttemptsService],
})
export class AttemptsModule {}
