import { Module } from '@nestjs/common';
import { ConnectionsController, SamlMetadataController } from './connections.controller';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionsService } from './connections.service';

@Module({
  controllers: [ConnectionsController, SamlMetadataController],
  providers: [ConnectionsRepository, ConnectionsService],
  exports: [ConnectionsService],
})
export class ConnectionsModule {}
