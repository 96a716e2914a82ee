import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { PortalController } from './portal.controller';
import { PortalByokController } from './portal-byok.controller';
import { PortalPagesService } from './portal-pages.service';
import { PortalCertificatesController } from './portal-certificates.controller';
import { PortalSetupController } from './portal-setup.controller';
import { PortalSsoController } from './portal-sso.controller';
import { PortalSsoService } from './sso/portal-sso.service';
import { SsoTestsRepository } from './sso/sso-tests.repository';

/** The server-rendered portal pages. */
@Module({
  imports: [LinksModule],
  controllers: [PortalController, PortalSsoController, PortalSetupController, PortalCertificatesController, PortalByokController],
  providers: [PortalPagesService, PortalSsoService, SsoTestsRepository],
})
export class PortalModule {}
