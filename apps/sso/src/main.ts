import './instrument';
import { runMain } from '@wos/platform';
import { loadAppConfig } from './config';
import { startSsoService } from './sso.app';

runMain(() => startSsoService(loadAppConfig()));
