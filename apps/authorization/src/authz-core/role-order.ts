/**
 * Role priority (WORKOS_API.md §16: roles are listed "in priority order"). Environment roles come
 * first, then the organization's own roles; within each scope roles follow their `priority`
 * (reorderable, see `reorder`), ties in creation order (their IDs are ULIDs). The first role of a
 * membership in that order is its primary `role`.
 */
export interface OrderedRole {
  id: string;
  slug: string;
  organizationId: string | null;
  /** Absent counts as 0, the priority of every role created before roles could be reordered. */
  priority?: number;
}

export function byPriority<R extends OrderedRole>(roles: readonly R[]): R[] {
  return [...roles].sort((a, b) => {
    const scope = Number(a.organizationId !== null) - Number(b.organizationId !== null);
    if (scope !== 0) return scope;
    const rank = (a.priority ?? 0) - (b.priority ?? 0);
    if (rank !== 0) return rank;
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

export type Reorder = { priorities: { id: string; priority: number }[] } | { error: 'order_incomplete' | 'order_duplicate' | 'order_unknown_role'; slugs: string[] };

/**
 * New priorities (1..n) for the roles of one scope, from the slugs in their new order. The order
 * must name every role of the scope exactly once, so no role keeps a priority that silently
 * collides with the new ones. Only roles whose priority changes are returned (each gets an event).
 */
export function reorder(scope: readonly OrderedRole[], slugs: readonly string[]): Reorder {
  const bySlug = new Map(scope.map((r) => [r.slug, r]));
  const duplicate = slugs.filter((s, i) => slugs.indexOf(s) !== i);
  if (duplicate.length) return { error: 'order_duplicate', slugs: [...new Set(duplicate)] };
  const unknown = slugs.filter((s) => !bySlug.has(s));
  if (unknown.length) return { error: 'order_unknown_role', slugs: unknown };
  const named = new Set(slugs);
  const missing = scope.filter((r) => !named.has(r.slug)).map((r) => r.slug);
  if (missing.length) return { error: 'order_incomplete', slugs: missing };
  return {
    priorities: slugs
      .map((s, i) => ({ role: bySlug.get(s)!, priority: i + 1 }))
      .filter(({ role, priority }) => (role.priority ?? 0) !== priority)
      .map(({ role, priority }) => ({ id: role.id, priority })),
  };
}
