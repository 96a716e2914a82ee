import './instrument';
import { bootstrapService, createLogger, runMain } from '@wos/platform';
import { AppModule } from './app.module';
import { loadAppConfig } from './config';
import { auditLogsOpenApi } from './openapi';

runMain(() => {
  const config = loadAppConfig();
  const logger = createLogger('audit-logs', config.LOG_LEVEL);
  return bootstrapService({
    name: 'audit-logs',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
    openapi: auditLogsOpenApi,
    // Export download links: the sealed token in the path is the credential (ExportsService.download).
    unsignedPathPrefixes: ['/audit_logs/downloads'],
  });
});
