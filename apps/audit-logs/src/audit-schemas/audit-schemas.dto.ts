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

/* Schemas have no ID: the list's cursors are versions. */
export const listSchemasQuerySchema = paginationQuerySchema.extend({
  before: z.string().regex(/^\d{1,9}$/, 'must be a schema version').optional(),
  after: z.string().regex(/^\d{1,9}$/, 'must be a schema version').optional(),
});
export type ListSchemasQuery = z.infer<typeof listSchemasQuerySchema>;
