import { z } from 'zod';

/** `GET /audit_logs/chain/checkpoints` (ours): an organization's signed checkpoints, oldest first. */
export const listCheckpointsQuerySchema = z.strictObject({
  organization_id: z.string().regex(/^org_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an organization ID (org_…)'),
  /** A chain position: checkpoints after it (the previous page's `list_metadata.after`). */
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
export type ListCheckpointsQuery = z.infer<typeof listCheckpointsQuerySchema>;
