import './instrument';
import { bootstrapService, createLogger, runMain } from '@wos/platform';
import { AppModule } from './app.module';
import { loadAppConfig } from './config';

async function main() {
  const config = loadAppConfig();
  const logger = createLogger('vault', config.LOG_LEVEL);
  await bootstrapService({
    name: 'vault',
    module: AppModule,
    host: config.HOST,
    port: config.PORT,
    logger,
    internalAuthSecret: config.INTERNAL_AUTH_SECRET,
    trustProxy: config.TRUST_PROXY,
  });
}

runMain(main);
