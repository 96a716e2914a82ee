import { z } from 'zod';

/** One recorded SCIM request (GET /directories/:id/scim_requests; our extension). */
export const scimRequestSchema = z.object({
  object: z.literal('scim_request'),
  method: z.string(),
  /** The request path with its query, cut at 512 characters. */
  path: z.string(),
  status: z.number().int(),
  duration_ms: z.number().int(),
  /** The SCIM error detail we answered with, for a failed request. */
  error: z.string().nullable(),
  /** Known IdP habits the request showed (scim-core/scim-quirks.ts). */
  quirks: z.array(z.string()),
  created_at: z.string(),
});
export type ScimRequestWire = z.infer<typeof scimRequestSchema>;
export const scimRequestsResponseSchema = z.object({ object: z.literal('list'), data: z.array(scimRequestSchema) });
