import { Module } from '@nestjs/common';
import { ChainController } from './chain.controller';
import { ChainRepository } from './chain.repository';
import { ChainService } from './chain.service';

@Module({
  controllers: [ChainController],
  providers: [ChainRepository, ChainService],
  exports: [ChainService],
})
export class ChainModule {}
