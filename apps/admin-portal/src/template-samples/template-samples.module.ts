import { Module } from '@nestjs/common';
import { OrganizationEventsConsumer } from './consumers/organizations.consumer';
import { TemplateSamplesController } from './template-samples.controller';
import { TemplateSamplesRepository } from './template-samples.repository';
import { TemplateSamplesService } from './template-samples.service';

/** The template's sample aggregate: replace this module with the service's domain modules. */
@Module({
  controllers: [TemplateSamplesController, OrganizationEventsConsumer],
  providers: [TemplateSamplesRepository, TemplateSamplesService],
  exports: [TemplateSamplesService],
})
export class TemplateSamplesModule {}
