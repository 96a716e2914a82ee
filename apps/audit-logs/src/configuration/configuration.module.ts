import { Module } from '@nestjs/common';
import { LogStreamsModule } from '../log-streams/log-streams.module';
import { RetentionModule } from '../retention/retention.module';
import { ConfigurationController } from './configuration.controller';
import { ConfigurationService } from './configuration.service';

@Module({
  imports: [RetentionModule, LogStreamsModule],
  controllers: [ConfigurationController],
  providers: [ConfigurationService],
})
export class ConfigurationModule {}
