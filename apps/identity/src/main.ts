import './instrument';
import { runMain } from '@wos/platform';
import { loadAppConfig } from './config';
import { startIdentityService } from './identity.app';

runMain(() => startIdentityService(loadAppConfig()));
