/**
 * Resource types are implicit slugs. `organization` is the type of the implicit root of every
 * organization's tree: a role of that type (every role created without a type) applies
 * organization-wide, so it may be assigned on any resource of the organization. A role of any
 * other type is assigned only on resources of its own type (WorkOS: roles are defined per
 * resource type).
 */
export const ORGANIZATION_RESOURCE_TYPE = 'organization';

export function roleFitsResource(roleTypeSlug: string, resourceTypeSlug: string): boolean {
  return roleTypeSlug === ORGANIZATION_RESOURCE_TYPE || roleTypeSlug === resourceTypeSlug;
}
