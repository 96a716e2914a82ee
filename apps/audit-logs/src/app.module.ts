import { Module, type DynamicModule } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { QueueName, ServiceInfraModule, type Logger } from '@wos/platform';
import type { AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { AuditEventsModule } from './audit-events/audit-events.module';
import { AuditSchemasModule } from './audit-schemas/audit-schemas.module';
import { RetentionModule } from './retention/retention.module';
import { ExportsModule } from './exports/exports.module';

/** Infrastructure comes from the service kit; this module lists only the service's domain modules. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfraModule.forService({
          name: 'audit-logs',
          config,
          logger,
          prisma: PrismaService,
          outbox: { topics: [Topic.auditLogs] },
          secrets: true,
          queues: [QueueName.AuditLogsMaintenance, QueueName.AuditLogsExports],
        }),
        AuditEventsModule,
        AuditSchemasModule,
        RetentionModule,
        ExportsModule,
      ],
    };
  }
}
