import type { StoredResource } from './resources.dto';

export interface ResourceRow {
  id: string;
  organization_id: string;
  resource_type_slug: string;
  external_id: string;
  name: string;
  description: string | null;
  parent_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export const RESOURCE_COLUMNS = 'r.id, r.organization_id, r.resource_type_slug, r.external_id, r.name, r.description, r.parent_id, r.created_at, r.updated_at';

export function toStoredResource(r: ResourceRow): StoredResource {
  return {
    id: r.id,
    organizationId: r.organization_id,
    resourceTypeSlug: r.resource_type_slug,
    externalId: r.external_id,
    name: r.name,
    description: r.description,
    parentId: r.parent_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** `AND r.id <op> $n ORDER BY r.id <dir> LIMIT take`, for keyset pages over any resource query. */
export function keysetTail(req: { direction: 'asc' | 'desc'; cursor?: { op: 'gt' | 'lt'; id: string }; take: number }, column: string, values: unknown[]): string {
  let sql = '';
  if (req.cursor) {
    values.push(req.cursor.id);
    sql += ` AND ${column} ${req.cursor.op === 'gt' ? '>' : '<'} $${values.length}`;
  }
  return `${sql} ORDER BY ${column} ${req.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT ${Math.trunc(req.take)}`;
}
