import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { LogoutController } from './logout.controller';
import { LogoutRepository } from './logout.repository';
import { LogoutService } from './logout.service';

/** SSO RP-initiated logout (`sso.authorizeLogout`, `sso.getLogoutUrl`). */
@Module({
  imports: [ConnectionsModule],
  controllers: [LogoutController],
  providers: [LogoutRepository, LogoutService],
})
export class LogoutModule {}
