import { Module } from '@nestjs/common';
import { DirectoriesController } from './directories.controller';
import { DirectoriesRepository } from './directories.repository';
import { DirectoriesService } from './directories.service';

@Module({
  controllers: [DirectoriesController],
  providers: [DirectoriesRepository, DirectoriesService],
  exports: [DirectoriesService],
})
export class DirectoriesModule {}
