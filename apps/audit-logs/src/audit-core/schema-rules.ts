import { z } from 'zod';
import { EVENT_LIMITS, type AuditEventInput } from './event-rules';

/**
 * Audit-log schemas (WORKOS_API.md §11): the target types an action's events may name, and the
 * typed metadata of the actor, each target type and the event. Pure: no Nest, no I/O.
 */
const propertyTypes = z.enum(['string', 'number', 'boolean']);
export const metadataDefinitionSchema = z.strictObject({
  type: z.literal('object'),
  properties: z
    .record(z.string().min(1).max(EVENT_LIMITS.metadataKeyLength), z.strictObject({ type: propertyTypes }))
    .refine((p) => Object.keys(p).length <= EVENT_LIMITS.metadataKeys, { message: `at most ${EVENT_LIMITS.metadataKeys} properties` })
    .default({}),
});
export type MetadataDefinition = z.infer<typeof metadataDefinitionSchema>;

/** The body of `POST /audit_logs/actions/:action/schemas` (the SDK always sends `actor`). */
export const createSchemaBodySchema = z.strictObject({
  targets: z
    // The Java SDK sends `metadata: null` for a target without metadata.
    .array(z.strictObject({ type: z.string().min(1).max(EVENT_LIMITS.stringLength), metadata: metadataDefinitionSchema.nullish() }))
    .min(1)
    .max(EVENT_LIMITS.targets)
    .refine((t) => new Set(t.map((x) => x.type)).size === t.length, { message: 'target types must be unique' }),
  actor: z.strictObject({ metadata: metadataDefinitionSchema }).optional(),
  metadata: metadataDefinitionSchema.optional(),
});
export type CreateSchemaBody = z.infer<typeof createSchemaBodySchema>;

export const ACTION_PATTERN = /^[^\s/]{1,100}$/;

export interface SchemaViolation {
  field: string;
  code: string;
  message: string;
}

/*
 * A metadata object against its definition. A definition without properties leaves the object
 * free (the SDK sends an empty actor definition when the caller gave none); one with properties
 * admits only those keys, each of its declared type. Declared keys are optional.
 */
function checkMetadata(field: string, value: Record<string, unknown> | undefined, def: MetadataDefinition | undefined | null): SchemaViolation[] {
  const props = def?.properties ?? {};
  if (!value || !Object.keys(props).length) return [];
  const out: SchemaViolation[] = [];
  for (const [key, v] of Object.entries(value)) {
    const declared = props[key];
    if (!declared) out.push({ field: `${field}.${key}`, code: 'metadata_key_not_in_schema', message: `${field}.${key} is not declared by the action's schema.` });
    else if (typeof v !== declared.type) out.push({ field: `${field}.${key}`, code: 'metadata_type_mismatch', message: `${field}.${key} must be a ${declared.type}.` });
  }
  return out;
}

export interface StoredSchema {
  version: number;
  targets: { type: string; metadata?: MetadataDefinition | null }[];
  actor?: { metadata: MetadataDefinition } | null;
  metadata?: MetadataDefinition | null;
}

/** Every way `event` breaks `schema`, each naming its field (`event.targets.1.type`, …). */
export function checkEventAgainstSchema(event: AuditEventInput, schema: StoredSchema): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const byType = new Map(schema.targets.map((t) => [t.type, t]));
  event.targets.forEach((target, i) => {
    const def = byType.get(target.type);
    if (!def) {
      const allowed = [...byType.keys()].join(', ');
      out.push({ field: `event.targets.${i}.type`, code: 'target_type_not_in_schema', message: `Target type ${target.type} is not in version ${schema.version} of the action's schema (${allowed}).` });
      return;
    }
    out.push(...checkMetadata(`event.targets.${i}.metadata`, target.metadata, def.metadata));
  });
  out.push(...checkMetadata('event.actor.metadata', event.actor.metadata, schema.actor?.metadata));
  out.push(...checkMetadata('event.metadata', event.metadata, schema.metadata));
  return out;
}
