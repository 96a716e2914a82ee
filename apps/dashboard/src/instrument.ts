import { startTelemetry } from '@wos/platform/telemetry';

startTelemetry('dashboard');
