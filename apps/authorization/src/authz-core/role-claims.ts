import { byPriority, unknownRoleSlugs, type OrderedRole } from './role-order';

export interface ClaimRole extends OrderedRole {
  permissions: readonly string[];
  /** The environment's default role (an environment role; at most one). */
  isDefault?: boolean;
}

/** The access-token claims of a membership's role slugs (WORKOS_API.md §7.3). */
export interface RoleClaims {
  role: string | null;
  roles: string[];
  permissions: string[];
  unknown_role_slugs: string[];
  /**
   * The role a membership gets when none is named or the named one is gone (sign-in grants,
   * invitations accepted after their role was deleted): the environment's default role, else its
   * highest-priority environment role; null when it has none.
   */
  default_role_slug: string | null;
}

/**
 * `roles` in priority order, `role` the first of them, `permissions` the union of theirs.
 * Slugs the catalogue does not know are reported, and grant nothing.
 */
export function roleClaims(slugs: readonly string[], catalogue: readonly ClaimRole[]): RoleClaims {
  const held = new Set(slugs);
  const ordered = byPriority(catalogue);
  const roles = ordered.filter((r) => held.has(r.slug));
  const permissions = [...new Set(roles.flatMap((r) => r.permissions))].sort();
  const environmentRoles = ordered.filter((r) => r.organizationId === null);
  const defaultRole = environmentRoles.find((r) => r.isDefault) ?? environmentRoles[0];
  return {
    role: roles[0]?.slug ?? null,
    roles: roles.map((r) => r.slug),
    permissions,
    unknown_role_slugs: unknownRoleSlugs(slugs, catalogue),
    default_role_slug: defaultRole?.slug ?? null,
  };
}
