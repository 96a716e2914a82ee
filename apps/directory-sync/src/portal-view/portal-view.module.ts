import { Module } from '@nestjs/common';
import { PortalViewController } from './portal-view.controller';
import { PortalViewRepository } from './portal-view.repository';
import { PortalViewService } from './portal-view.service';

@Module({
  controllers: [PortalViewController],
  providers: [PortalViewService, PortalViewRepository],
})
export class PortalViewModule {}
