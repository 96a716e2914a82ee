import { SCIM } from '../scim-core/scim-schemas';
import type { GroupRow, UserRow } from '../shared/directory-data.dto';

/* SCIM wire forms of stored users and groups (RFC 7643 §4), and list responses (RFC 7644 §3.4.2). */

const iso = (d: Date) => d.toISOString();

export function toScimUser(u: UserRow, baseUrl: string): Record<string, unknown> {
  const schemas: string[] = [SCIM.user];
  if (u.raw_attributes[SCIM.enterprise] !== undefined) schemas.push(SCIM.enterprise);
  return {
    ...u.raw_attributes,
    schemas,
    id: u.id,
    ...(u.external_id !== null ? { externalId: u.external_id } : {}),
    userName: u.user_name,
    active: u.state === 'active',
    meta: { resourceType: 'User', created: iso(u.created_at), lastModified: iso(u.updated_at), location: `${baseUrl}/Users/${u.id}` },
  };
}

export function toScimGroup(g: GroupRow, members: { value: string; display: string }[] | undefined, baseUrl: string): Record<string, unknown> {
  return {
    ...g.raw_attributes,
    schemas: [SCIM.group],
    id: g.id,
    ...(g.external_id !== null ? { externalId: g.external_id } : {}),
    displayName: g.display_name,
    ...(members ? { members: members.map((m) => ({ value: m.value, display: m.display, $ref: `${baseUrl}/Users/${m.value}` })) } : {}),
    meta: { resourceType: 'Group', created: iso(g.created_at), lastModified: iso(g.updated_at), location: `${baseUrl}/Groups/${g.id}` },
  };
}

export function listResponse(resources: unknown[], total: number, startIndex: number): Record<string, unknown> {
  return { schemas: [SCIM.list], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}

/** `startIndex` (1-based, values < 1 mean 1) and `count` (negative means 0, capped), RFC 7644 §3.4.2.4. */
export function pageParams(query: Record<string, unknown>, defaultCount: number, maxCount: number): { startIndex: number; count: number } {
  const int = (v: unknown) => (typeof v === 'string' && /^-?\d{1,9}$/.test(v.trim()) ? Number(v) : undefined);
  const startIndex = Math.max(1, int(query.startIndex) ?? 1);
  const count = Math.min(maxCount, Math.max(0, int(query.count) ?? defaultCount));
  return { startIndex, count };
}

/** True unless `excludedAttributes` names members, or `attributes` is given without members. */
export function wantsMembers(query: Record<string, unknown>): boolean {
  const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim().toLowerCase()) : []);
  if (list(query.excludedAttributes).includes('members')) return false;
  const attrs = list(query.attributes);
  return !attrs.length || attrs.includes('members');
}
