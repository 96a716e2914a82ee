import './instrument';
import { runMain } from '@wos/platform';
import { loadAppConfig } from './config';
import { startWebhookDispatcher } from './webhooks.app';

runMain(() => startWebhookDispatcher(loadAppConfig()));
