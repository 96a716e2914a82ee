import { startTelemetry } from '@wos/platform/telemetry';

startTelemetry('api-gateway');
