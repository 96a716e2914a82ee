/**
 * Which catalogue roles make the free-form role slugs memberships already hold valid (the role
 * slug migration). Decision: slugs are never rewritten on memberships (identity owns them, and a
 * rename would change what tokens say); each unknown slug becomes a role without permissions, so
 * nobody gains or loses access by the migration. An environment role where no organization role
 * already has the slug (one role serves every organization); otherwise an organization role in
 * each organization that lacks it, since an environment role would give those organizations two
 * roles under one slug.
 */
export interface SlugUse {
  organizationId: string;
  slug: string;
}

export interface SlugMigrationPlan {
  environmentRoles: string[];
  organizationRoles: SlugUse[];
}

/**
 * `unknown`: (organization, slug) pairs held by memberships and absent from that organization's
 * view of the catalogue. `organizationRoleSlugs`: slugs some organization role already has.
 */
export function planSlugMigration(unknown: readonly SlugUse[], organizationRoleSlugs: ReadonlySet<string>): SlugMigrationPlan {
  const environmentRoles = new Set<string>();
  const organizationRoles = new Map<string, SlugUse>();
  for (const u of unknown) {
    if (organizationRoleSlugs.has(u.slug)) organizationRoles.set(`${u.organizationId}\n${u.slug}`, u);
    else environmentRoles.add(u.slug);
  }
  return { environmentRoles: [...environmentRoles].sort(), organizationRoles: [...organizationRoles.values()] };
}

/** A readable name for a role made from a slug: `billing-admin` → `Billing Admin`. */
export function nameFromSlug(slug: string): string {
  const words = slug.split(/[-_:.*]+/).filter(Boolean);
  return words.length ? words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ') : slug;
}
