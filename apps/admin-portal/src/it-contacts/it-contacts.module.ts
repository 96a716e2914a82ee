import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { ItContactsController } from './it-contacts.controller';
import { ItContactsRepository } from './it-contacts.repository';
import { ItContactsService } from './it-contacts.service';

@Module({
  imports: [LinksModule],
  controllers: [ItContactsController],
  providers: [ItContactsRepository, ItContactsService],
})
export class ItContactsModule {}
