import { startTelemetry } from '@wos/platform/telemetry';

startTelemetry('directory-sync');
