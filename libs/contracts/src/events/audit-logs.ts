import { templateSampleEventSchemas } from './template-sample';

/** The events audit-logs publishes on Topic.auditLogs. The template's sample until the service's domain replaces it. */
export const auditLogsEventSchemas = {
  ...templateSampleEventSchemas('audit_logs'),
} as const;
