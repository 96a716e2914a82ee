import { startTelemetry } from '@wos/platform/telemetry';

startTelemetry('pipes');
