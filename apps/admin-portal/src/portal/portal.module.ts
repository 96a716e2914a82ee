import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { PortalController } from './portal.controller';
import { PortalPagesService } from './portal-pages.service';
import { PortalSetupController } from './portal-setup.controller';
import { PortalSsoController } from './portal-sso.controller';
import { PortalSsoService } from './sso/portal-sso.service';
import { SsoTestsRepository } from './sso/sso-tests.repository';

/** The server-rendered portal pages. */
@Module({
  imports: [LinksModule],
  controllers: [PortalController, PortalSsoController, PortalSetupController],
  providers: [PortalPagesService, PortalSsoService, SsoTestsRepository],
})
export class PortalModule {}
