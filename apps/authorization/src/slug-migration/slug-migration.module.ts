import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { SlugMigrationController } from './slug-migration.controller';
import { SlugMigrationRepository } from './slug-migration.repository';
import { SlugMigrationService } from './slug-migration.service';

/** The role slug migration: memberships backfilled from identity, free-form slugs made catalogue roles. */
@Module({
  imports: [CatalogueModule, MembershipsModule],
  controllers: [SlugMigrationController],
  providers: [SlugMigrationRepository, SlugMigrationService],
})
export class SlugMigrationModule {}
