import { Module } from '@nestjs/common';
import { LinksController } from '../links/links.controller';
import { LinksModule } from '../links/links.module';
import { ItContactsController } from './it-contacts.controller';
import { ItContactsRepository } from './it-contacts.repository';
import { ItContactsService } from './it-contacts.service';

@Module({
  imports: [LinksModule],
  controllers: [ItContactsController, LinksController],
  providers: [ItContactsRepository, ItContactsService],
})
export class ItContactsModule {}
