import { Module } from '@nestjs/common';
import { AuditSchemasController } from './audit-schemas.controller';
import { AuditSchemasRepository } from './audit-schemas.repository';
import { AuditSchemasService } from './audit-schemas.service';

@Module({
  controllers: [AuditSchemasController],
  providers: [AuditSchemasRepository, AuditSchemasService],
  exports: [AuditSchemasService],
})
export class AuditSchemasModule {}
