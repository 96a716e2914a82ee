import { z } from 'zod';
import type { ListEnvelope } from '@wos/contracts';

/** Query parameters of every WorkOS list endpoint (WORKOS_API.md §2). */
export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  before: z.string().min(1).optional(),
  after: z.string().min(1).optional(),
  // `normal` is accepted for compatibility and behaves as `desc`.
  order: z.enum(['asc', 'desc', 'normal']).default('desc'),
});
export type PaginationQuery = z.infer<typeof paginationQuerySchema>;

/** What a repository must answer: rows strictly beyond `cursor` in `direction`, at most `take`. */
export interface PageRequest {
  direction: 'asc' | 'desc';
  cursor?: { op: 'gt' | 'lt'; id: string };
  take: number;
}

/**
 * Keyset pagination over sortable IDs (ULIDs sort by creation time). Invariant: a cursor is an
 * object ID, never an offset, so pages stay stable while rows are inserted.
 */
export async function paginate<T extends { id: string }>(
  query: PaginationQuery,
  fetch: (req: PageRequest) => Promise<T[]>,
): Promise<{ data: T[]; before: string | null; after: string | null }> {
  const desc = query.order !== 'asc';
  const take = query.limit + 1;
  if (query.before) {
    // Walk backwards from the cursor, then restore the requested order.
    const rows = await fetch({ direction: desc ? 'asc' : 'desc', cursor: { op: desc ? 'gt' : 'lt', id: query.before }, take });
    const hasMore = rows.length > query.limit;
    const data = rows.slice(0, query.limit).reverse();
    return { data, before: hasMore && data.length ? data[0]!.id : null, after: data.length ? data[data.length - 1]!.id : null };
  }
  const cursor = query.after ? { op: desc ? ('lt' as const) : ('gt' as const), id: query.after } : undefined;
  const rows = await fetch({ direction: desc ? 'desc' : 'asc', cursor, take });
  const hasMore = rows.length > query.limit;
  const data = rows.slice(0, query.limit);
  return {
    data,
    before: query.after && data.length ? data[0]!.id : null,
    after: hasMore && data.length ? data[data.length - 1]!.id : null,
  };
}

export function toListEnvelope<T, W>(page: { data: T[]; before: string | null; after: string | null }, map: (t: T) => W): ListEnvelope<W> {
  return { object: 'list', data: page.data.map(map), list_metadata: { before: page.before, after: page.after } };
}
