import { Module } from '@nestjs/common';
import { LogStreamProcessor } from './jobs/log-stream.processor';
import { LogStreamDeliveryService } from './log-stream-delivery.service';
import { LogStreamsController } from './log-streams.controller';
import { LogStreamsRepository } from './log-streams.repository';
import { LogStreamsService } from './log-streams.service';

@Module({
  controllers: [LogStreamsController],
  providers: [LogStreamsRepository, LogStreamsService, LogStreamDeliveryService, LogStreamProcessor],
  exports: [LogStreamsService],
})
export class LogStreamsModule {}
