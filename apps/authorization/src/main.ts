import './instrument';
import { bootstrapService, createLogger, runMain } from '@wos/platform';
import { AppModule } from './app.module';
import { loadAppConfig } from './config';
import { authorizationOpenApi } from './openapi';

runMain(() => {
  const config = loadAppConfig();
  const logger = createLogger('authorization', config.LOG_LEVEL);
  return bootstrapService({
    name: 'authorization',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
    openapi: authorizationOpenApi,
  });
});
