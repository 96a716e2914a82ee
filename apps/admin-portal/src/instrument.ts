import { startTelemetry } from '@wos/platform/telemetry';

startTelemetry('admin-portal');
