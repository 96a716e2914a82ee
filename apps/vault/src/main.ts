import './instrument';
import { bootstrapService, createLogger, runMain } from '@wos/platform';
import { AppModule } from './app.module';
import { loadAppConfig } from './config';
import { vaultOpenApi } from './openapi';

runMain(() => {
  const config = loadAppConfig();
  const logger = createLogger('vault', config.LOG_LEVEL);
  return bootstrapService({
    name: 'vault',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
    openapi: vaultOpenApi,
  });
});
