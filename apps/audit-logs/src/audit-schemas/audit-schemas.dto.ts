import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import { metadataDefinitionSchema, type StoredSchema } from '../audit-core/schema-rules';

export { createSchemaBodySchema, type CreateSchemaBody } from '../audit-core/schema-rules';

export interface AuditLogSchemaRow extends StoredSchema {
  action: string;
  createdAt: Date;
}

/** `audit_log_schema` on the wire (WORKOS_API.md §11); absent parts are omitted, never null. */
export const auditLogSchemaWireSchema = z.object({
  object: z.literal('audit_log_schema'),
  version: z.number().int(),
  targets: z.array(z.object({ type: z.string(), metadata: metadataDefinitionSchema.optional() })),
  actor: z.object({ metadata: metadataDefinitionSchema }).optional(),
  metadata: metadataDefinitionSchema.optional(),
  created_at: z.string(),
});
export type AuditLogSchemaWire = z.infer<typeof auditLogSchemaWireSchema>;

export function toAuditLogSchemaWire(s: AuditLogSchemaRow): AuditLogSchemaWire {
  return {
    object: 'audit_log_schema',
    version: s.version,
    targets: s.targets.map((t) => (t.metadata ? { type: t.type, metadata: t.metadata } : { type: t.type })),
    ...(s.actor ? { actor: s.actor } : {}),
    ...(s.metadata ? { metadata: s.metadata } : {}),
    created_at: s.createdAt.toISOString(),
  };
}

/** An action: its latest schema version, and when its first version was written. */
export interface AuditLogActionRow {
  latest: AuditLogSchemaRow;
  createdAt: Date;
}

/**
 * `audit_log_action` (the Java SDK's `AuditLogAction`): an action exists once it has a schema
 * (WorkOS creates the action with its first schema). `updated_at` is when its latest version was written.
 */
export const auditLogActionWireSchema = z.object({
  object: z.literal('audit_log_action'),
  name: z.string(),
  schema: auditLogSchemaWireSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type AuditLogActionWire = z.infer<typeof auditLogActionWireSchema>;

export function toAuditLogActionWire(a: AuditLogActionRow): AuditLogActionWire {
  return { object: 'audit_log_action', name: a.latest.action, schema: toAuditLogSchemaWire(a.latest), created_at: a.createdAt.toISOString(), updated_at: a.latest.createdAt.toISOString() };
}

/* Actions have no ID: the list's cursors are action names. */
export const listActionsQuerySchema = paginationQuerySchema.extend({
  before: z.string().min(1).max(100).optional(),
  after: z.string().min(1).max(100).optional(),
});
export type ListActionsQuery = z.infer<typeof listActionsQuerySchema>;

/* Schemas have no ID: the list's cursors are versions. */
export const listSchemasQuerySchema = paginationQuerySchema.extend({
  before: z.string().regex(/^\d{1,9}$/, 'must be a schema version').optional(),
  after: z.string().regex(/^\d{1,9}$/, 'must be a schema version').optional(),
});
export type ListSchemasQuery = z.infer<typeof listSchemasQuerySchema>;
