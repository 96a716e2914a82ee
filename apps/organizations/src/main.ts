import './instrument';
import { bootstrapService, createLogger, runMain } from '@wos/platform';
import { AppModule } from './app.module';
import { loadAppConfig } from './config';

runMain(async () => {
  const config = loadAppConfig();
  const logger = createLogger('organizations', config.LOG_LEVEL);
  await bootstrapService({
    name: 'organizations',
    module: AppModule.forRoot(config, logger),
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
  });
});
