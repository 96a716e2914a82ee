import { Module } from '@nestjs/common';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { RoleClaimsModule } from '../role-claims/role-claims.module';
import { FlagClaimsModule } from '../flag-claims/flag-claims.module';
import { JwtTemplatesModule } from '../jwt-templates/jwt-templates.module';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { RedirectUrisClient } from './redirect-uris.client';

@Module({
  imports: [SigningKeysModule, UsersModule, RoleClaimsModule, FlagClaimsModule, JwtTemplatesModule],
  controllers: [SessionsController],
  providers: [SessionsRepository, SessionsService, RedirectUrisClient],
  exports: [SessionsService],
})
export class SessionsModule {}
