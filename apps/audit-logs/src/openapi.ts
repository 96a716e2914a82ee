import { z } from 'zod';
import { listEnvelopeSchema } from '@wos/contracts';
import { buildOpenApi } from '@wos/platform';
import { createEventBodySchema } from './audit-core/event-rules';
import { auditLogActionWireSchema, auditLogSchemaWireSchema, createSchemaBodySchema, listActionsQuerySchema, listSchemasQuerySchema } from './audit-schemas/audit-schemas.dto';
import { retentionWireSchema, updateRetentionBodySchema } from './retention/retention.dto';
import { auditLogConfigurationWireSchema } from './configuration/configuration.dto';
import { auditLogExportWireSchema, createExportBodySchema } from './exports/exports.dto';
import { listCheckpointsQuerySchema } from './chain/chain.dto';
import { createLogStreamBodySchema, listLogStreamsQuerySchema, updateLogStreamBodySchema } from './log-streams/log-streams.dto';

export function auditLogsOpenApi(): Record<string, unknown> {
  return buildOpenApi('Audit Logs', [
    { method: 'post', path: '/audit_logs/events', summary: 'Create an audit log event', body: createEventBodySchema, response: z.object({ success: z.literal(true) }), status: 201 },
    { method: 'get', path: '/audit_logs/actions', summary: 'List the actions that have schemas, each with its latest version', query: listActionsQuerySchema, response: listEnvelopeSchema(auditLogActionWireSchema) },
    { method: 'post', path: '/audit_logs/actions/:action/schemas', summary: 'Create the next version of an action schema', body: createSchemaBodySchema, response: auditLogSchemaWireSchema, status: 201 },
    { method: 'get', path: '/audit_logs/actions/:action/schemas', summary: 'List an action schema versions', query: listSchemasQuerySchema, response: listEnvelopeSchema(auditLogSchemaWireSchema) },
    { method: 'post', path: '/audit_logs/exports', summary: 'Create an export of an organization events (CSV, built by a job)', body: createExportBodySchema, response: auditLogExportWireSchema, status: 201 },
    { method: 'get', path: '/audit_logs/exports/:id', summary: 'Get an export; when ready, its url is a download link valid for AUDIT_LOGS_EXPORT_URL_TTL_SECONDS', response: auditLogExportWireSchema },
    { method: 'get', path: '/audit_logs/downloads/:token', summary: 'Download an export CSV or its chain proof (the links from getExport; no API key)' },
    { method: 'get', path: '/audit_logs/chain/keys', summary: 'The Ed25519 keys that sign chain checkpoints and proofs (a JWKS; no API key)' },
    { method: 'get', path: '/audit_logs/chain/checkpoints', summary: 'An organization signed chain checkpoints, oldest first', query: listCheckpointsQuerySchema },
    { method: 'post', path: '/audit_logs/log_streams', summary: 'Create a log stream of an organization events to Datadog, Splunk HEC, an HTTPS endpoint or S3', body: createLogStreamBodySchema, status: 201 },
    { method: 'get', path: '/audit_logs/log_streams', summary: 'List log streams', query: listLogStreamsQuerySchema },
    { method: 'get', path: '/audit_logs/log_streams/:id', summary: 'Get a log stream and its delivery state' },
    { method: 'patch', path: '/audit_logs/log_streams/:id', summary: 'Rename, pause, resume or reconfigure a log stream', body: updateLogStreamBodySchema },
    { method: 'delete', path: '/audit_logs/log_streams/:id', summary: 'Delete a log stream', status: 204 },
    { method: 'get', path: '/organizations/:id/audit_logs_retention', summary: 'Get an organization audit log retention', response: retentionWireSchema },
    { method: 'get', path: '/organizations/:id/audit_log_configuration', summary: 'Get an organization audit log configuration: retention, state and its log stream', response: auditLogConfigurationWireSchema },
    { method: 'put', path: '/organizations/:id/audit_logs_retention', summary: 'Set an organization audit log retention', body: updateRetentionBodySchema, response: retentionWireSchema },
  ]);
}
