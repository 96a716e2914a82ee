import { z } from 'zod';
import type { FeatureFlagWire } from '@wos/contracts';
import { paginationQuerySchema } from '@wos/platform';
import { SLUG_MAX, SLUG_PATTERN } from '../flags-core/flag-rules';

/** A flag row as the repository returns it. */
export interface FlagRow {
  id: string;
  environmentId: string;
  slug: string;
  name: string;
  description: string;
  tags: string[];
  enabled: boolean;
  defaultValue: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const slugSchema = z.string().max(SLUG_MAX).regex(SLUG_PATTERN, 'must be lowercase letters and digits joined by single - or _, such as advanced-analytics');
const tagSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]*$/, 'must start with a letter or digit and hold letters, digits, spaces and _ . : -');
const tagsSchema = z
  .array(tagSchema)
  .max(20)
  .refine((t) => new Set(t).size === t.length, 'tags must be unique');

const flagFields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(2000),
  tags: tagsSchema,
  enabled: z.boolean(),
  default_value: z.boolean(),
};

/** `POST /feature-flags` (our extension: WorkOS manages flags in its dashboard). `name` defaults to the slug. */
export const createFlagSchema = z.strictObject({
  slug: slugSchema,
  name: flagFields.name.optional(),
  description: flagFields.description.optional(),
  tags: flagFields.tags.optional(),
  enabled: flagFields.enabled.optional(),
  default_value: flagFields.default_value.optional(),
});
export type CreateFlagInput = z.infer<typeof createFlagSchema>;

/** `PATCH /feature-flags/:slug`: omitted fields keep their value; the slug never changes. */
export const updateFlagSchema = z
  .strictObject({
    name: flagFields.name,
    description: flagFields.description,
    tags: flagFields.tags,
    enabled: flagFields.enabled,
    default_value: flagFields.default_value,
  })
  .partial();
export type UpdateFlagInput = z.infer<typeof updateFlagSchema>;

export const listFlagsQuerySchema = paginationQuerySchema;
export type ListFlagsQuery = z.infer<typeof listFlagsQuerySchema>;

/** identity's internal claim query: the flags on for one organization and user. */
/** A session without an organization asks without `organization_id`. */
export const flagClaimsQuerySchema = z.strictObject({
  organization_id: z.string().min(1).max(64).optional(),
  user_id: z.string().min(1).max(64),
});

export function toFeatureFlagWire(f: FlagRow): FeatureFlagWire {
  return {
    object: 'feature_flag',
    id: f.id,
    name: f.name,
    slug: f.slug,
    description: f.description,
    tags: f.tags,
    enabled: f.enabled,
    default_value: f.defaultValue,
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
  };
}
