import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { IdentitiesController } from './identities.controller';
import { IdentitiesRepository } from './identities.repository';
import { IdentitiesService } from './identities.service';

/** Exports IdentitiesService (find and link SSO/OAuth identities) for the AuthKit sign-in. */
@Module({
  imports: [UsersModule],
  controllers: [IdentitiesController],
  providers: [IdentitiesRepository, IdentitiesService],
  exports: [IdentitiesService],
})
export class IdentitiesModule {}
