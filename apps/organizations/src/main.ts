import './instrument';
import { runMain } from '@wos/platform';
import { loadAppConfig } from './config';
import { startOrganizationsService } from './organizations.app';

runMain(() => startOrganizationsService(loadAppConfig()));
