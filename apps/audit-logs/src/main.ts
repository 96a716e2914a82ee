import './instrument';
import { Topic } from '@wos/contracts';
import { QueueName, runMain, startService } from '@wos/platform';
import { consumerGroupId, loadAppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { auditLogsOpenApi } from './openapi';
import { AuditEventsModule } from './audit-events/audit-events.module';
import { AuditSchemasModule } from './audit-schemas/audit-schemas.module';
import { RetentionModule } from './retention/retention.module';
import { ExportsModule } from './exports/exports.module';
import { ChainModule } from './chain/chain.module';
import { LogStreamsModule } from './log-streams/log-streams.module';
import { VaultReadsModule } from './vault-reads/vault-reads.module';
import { ConfigurationModule } from './configuration/configuration.module';

runMain(() => {
  const config = loadAppConfig();
  return startService({
    name: 'audit-logs',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.auditLogs, Topic.auditLogsOcsf] }, secrets: true, consumer: { groupId: consumerGroupId(config) }, queues: [QueueName.AuditLogsMaintenance, QueueName.AuditLogsExports, QueueName.AuditLogStreams] },
    modules: [AuditEventsModule, AuditSchemasModule, RetentionModule, ExportsModule, ChainModule, LogStreamsModule, VaultReadsModule, ConfigurationModule],
    http: {
      openapi: auditLogsOpenApi,
      // Export download links (the sealed token in the path is the credential: ExportsService.download)
      // and the chain's public keys.
      unsignedPathPrefixes: ['/audit_logs/downloads', '/audit_logs/chain/keys'],
    },
  });
});
