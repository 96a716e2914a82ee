import './instrument';
import { runMain } from '@wos/platform';
import { loadAppConfig } from './config';
import { startDirectorySyncService } from './directory-sync.app';

runMain(() => startDirectorySyncService(loadAppConfig()));
