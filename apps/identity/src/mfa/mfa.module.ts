import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { MfaController, UserFactorsController } from './mfa.controller';
import { MfaRepository } from './mfa.repository';
import { MfaService } from './mfa.service';

@Module({
  imports: [UsersModule],
  controllers: [MfaController, UserFactorsController],
  providers: [MfaRepository, MfaService],
  exports: [MfaService],
})
export class MfaModule {}
