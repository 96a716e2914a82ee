import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { ObjectsController } from './objects.controller';
import { ObjectsRepository } from './objects.repository';
import { ObjectsService } from './objects.service';

/** Encrypted KV objects, sealed with data keys from KeysModule. */
@Module({
  imports: [KeysModule],
  controllers: [ObjectsController],
  providers: [ObjectsRepository, ObjectsService],
})
export class ObjectsModule {}
