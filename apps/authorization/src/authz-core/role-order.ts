/**
 * Role priority (WORKOS_API.md §16: roles are listed "in priority order"). Here the order is
 * fixed: environment roles first, then the organization's own roles, each in creation order
 * (their IDs are ULIDs). The first role of a membership in that order is its primary `role`.
 */
export interface OrderedRole {
  id: string;
  slug: string;
  organizationId: string | null;
}

export function byPriority<R extends OrderedRole>(roles: readonly R[]): R[] {
  return [...roles].sort((a, b) => {
    const scope = Number(a.organizationId !== null) - Number(b.organizationId !== null);
    if (scope !== 0) return scope;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** The highest-priority role among `slugs`, or null when none of them is in the catalogue. */
export function primaryRoleSlug(slugs: readonly string[], roles: readonly OrderedRole[]): string | null {
  const held = new Set(slugs);
  return byPriority(roles).find((r) => held.has(r.slug))?.slug ?? null;
}

/** Slugs that name no role in the organization's view of the catalogue. */
export function unknownRoleSlugs(slugs: readonly string[], roles: readonly OrderedRole[]): string[] {
  const known = new Set(roles.map((r) => r.slug));
  return [...new Set(slugs)].filter((s) => !known.has(s));
}
