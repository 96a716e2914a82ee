import { z } from 'zod';
import { paginationQuerySchema } from '@wos/platform';
import { keyContextSchema } from '../keys/data-keys.dto';
import type { KeyContext } from '../vault-core/key-context';

/* Names travel in paths (`/kv/name/:name`): printable, no control characters. */
const nameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

export const createObjectSchema = z.object({ name: nameSchema, value: z.string(), key_context: keyContextSchema });
export type CreateObjectInput = z.infer<typeof createObjectSchema>;

/** `version_check`: the version ID the caller last saw; null or absent writes unconditionally. */
export const updateObjectSchema = z.object({ value: z.string(), version_check: z.string().min(1).nullable().optional() });
export type UpdateObjectInput = z.infer<typeof updateObjectSchema>;

export const deleteObjectQuerySchema = z.object({ version_check: z.string().min(1).optional() });

export const listObjectsQuerySchema = paginationQuerySchema.extend({
  search: z.string().max(255).optional(),
  // The SDK sends a Date's toString() here (WORKOS_API.md §1.3); ISO 8601 works too.
  updated_after: z
    .string()
    .refine((s) => !Number.isNaN(new Date(s).getTime()), 'must be a date')
    .transform((s) => new Date(s))
    .optional(),
});
export type ListObjectsQuery = z.infer<typeof listObjectsQuerySchema>;

export const objectMetadataSchema = z.object({
  context: z.record(z.string(), z.string()),
  environment_id: z.string(),
  id: z.string(),
  key_id: z.string(),
  updated_at: z.string(),
  updated_by: z.object({ id: z.string(), name: z.string() }),
  version_id: z.string(),
});
export const objectWithoutValueSchema = z.object({ id: z.string(), name: z.string(), metadata: objectMetadataSchema });
export const vaultObjectSchema = objectWithoutValueSchema.extend({ value: z.string() });
const listMetadataSchema = z.object({ before: z.string().nullable(), after: z.string().nullable() });
export const objectSummaryListSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ id: z.string(), name: z.string(), updated_at: z.string() })),
  list_metadata: listMetadataSchema,
});
export const objectVersionListSchema = z.object({
  data: z.array(z.object({ id: z.string(), created_at: z.string(), current_version: z.boolean(), etag: z.string(), size: z.number() })),
  list_metadata: listMetadataSchema,
});

export type ObjectMetadataWire = z.infer<typeof objectMetadataSchema>;
export type ObjectWithoutValueWire = z.infer<typeof objectWithoutValueSchema>;
export type VaultObjectWire = z.infer<typeof vaultObjectSchema>;

/** An object as stored, with its current version. */
export interface StoredObject {
  id: string;
  environmentId: string;
  name: string;
  keyContext: KeyContext;
  kekId: string;
  currentVersionId: string;
  updatedById: string;
  updatedByName: string;
  updatedAt: Date;
  encryptedKeys: Buffer;
  ciphertext: Buffer;
}

export interface StoredVersion {
  id: string;
  createdAt: Date;
  etag: string;
  size: number;
}

export function toMetadataWire(o: StoredObject): ObjectMetadataWire {
  return {
    context: o.keyContext,
    environment_id: o.environmentId,
    id: o.id,
    key_id: o.kekId,
    updated_at: o.updatedAt.toISOString(),
    updated_by: { id: o.updatedById, name: o.updatedByName },
    version_id: o.currentVersionId,
  };
}

export function toObjectWithoutValueWire(o: StoredObject): ObjectWithoutValueWire {
  return { id: o.id, name: o.name, metadata: toMetadataWire(o) };
}
