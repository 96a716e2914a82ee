import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';

/** Role claims for identity's access tokens and membership validation. */
@Module({
  imports: [CatalogueModule],
  controllers: [ClaimsController],
  providers: [ClaimsService],
})
export class ClaimsModule {}
