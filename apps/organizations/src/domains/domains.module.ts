import { Module } from '@nestjs/common';
import { DnsTxtResolver } from '../dns/dns-txt.resolver';
import { OrganizationsModule } from '../organizations/organizations.module';
import { DomainsController } from './domains.controller';
import { DomainsRepository } from './domains.repository';
import { DomainsService } from './domains.service';

@Module({
  imports: [OrganizationsModule],
  controllers: [DomainsController],
  providers: [DomainsRepository, DomainsService, DnsTxtResolver],
})
export class DomainsModule {}
