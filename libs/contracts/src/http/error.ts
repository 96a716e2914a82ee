import { z } from 'zod';

/** The error body every 4xx/5xx carries (WORKOS_API.md §3). */
export const errorBodySchema = z.object({
  message: z.string(),
  code: z.string().optional(),
  errors: z.array(z.object({ field: z.string().optional(), code: z.string(), message: z.string().optional() })).optional(),
  entity_id: z.string().optional(),
  request_id: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
