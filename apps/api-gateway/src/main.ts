import './instrument';
import { runMain } from '@wos/platform';
import { loadAppConfig } from './config';
import { startGateway } from './gateway';

runMain(async () => {
  await startGateway(loadAppConfig());
});
