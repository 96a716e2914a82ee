import { startTelemetry } from '@wos/platform/telemetry';

startTelemetry('webhook-dispatcher');
