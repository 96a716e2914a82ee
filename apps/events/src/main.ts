import './instrument';
import { runMain } from '@wos/platform';
import { loadAppConfig } from './config';
import { startEventsService } from './server';

runMain(async () => {
  await startEventsService(loadAppConfig());
});
