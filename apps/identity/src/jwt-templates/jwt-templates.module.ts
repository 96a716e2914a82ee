import { Module } from '@nestjs/common';
import { JwtTemplatesController } from './jwt-templates.controller';
import { JwtTemplatesRepository } from './jwt-templates.repository';
import { JwtTemplatesService } from './jwt-templates.service';

/** The environment's JWT template; SessionsService asks it for each access token's custom claims. */
@Module({
  controllers: [JwtTemplatesController],
  providers: [JwtTemplatesRepository, JwtTemplatesService],
  exports: [JwtTemplatesService],
})
export class JwtTemplatesModule {}
