import { startTelemetry } from '@wos/platform/telemetry';

startTelemetry('audit-logs');
