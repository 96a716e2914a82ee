import { byPriority, unknownRoleSlugs, type OrderedRole } from './role-order';

export interface ClaimRole extends OrderedRole {
  permissions: readonly string[];
}

/** The access-token claims of a membership's role slugs (WORKOS_API.md §7.3). */
export interface RoleClaims {
  role: string | null;
  roles: string[];
  permissions: string[];
  unknown_role_slugs: string[];
}

/**
 * `roles` in priority order, `role` the first of them, `permissions` the union of theirs.
 * Slugs the catalogue does not know are reported, and grant nothing.
 */
export function roleClaims(slugs: readonly string[], catalogue: readonly ClaimRole[]): RoleClaims {
  const held = new Set(slugs);
  const roles = byPriority(catalogue).filter((r) => held.has(r.slug));
  const permissions = [...new Set(roles.flatMap((r) => r.permissions))].sort();
  return { role: roles[0]?.slug ?? null, roles: roles.map((r) => r.slug), permissions, unknown_role_slugs: unknownRoleSlugs(slugs, catalogue) };
}
