import { z } from 'zod';

/** `PUT /organizations/:id/audit_logs_retention` (SDK 11: `retention_period`, e.g. `1_MONTH`, `1_YEAR`). */
export const updateRetentionBodySchema = z.strictObject({ retention_period: z.string().min(1).max(20) });
export type UpdateRetentionBody = z.infer<typeof updateRetentionBodySchema>;

export const retentionWireSchema = z.object({ retention_period_in_days: z.number().int().nullable() });
export type RetentionWire = z.infer<typeof retentionWireSchema>;
