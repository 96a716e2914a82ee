import { z } from 'zod';

/** The WorkOS list envelope (WORKOS_API.md §2). */
export interface ListEnvelope<T> {
  object: 'list';
  data: T[];
  list_metadata: { before: string | null; after: string | null };
}

export const listMetadataSchema = z.object({ before: z.string().nullable(), after: z.string().nullable() });

export function listEnvelopeSchema<T extends z.ZodType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item), list_metadata: listMetadataSchema });
}
