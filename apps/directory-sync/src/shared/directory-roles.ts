/**
 * Role assignment from directory groups (WORKOS_API.md §10 `role`/`roles`). Framework-free.
 * A directory's mappings are in priority order; a user's roles are the roles of the mapped groups
 * they belong to, in mapping order, then the roles their IdP sends in the SCIM `roles` attribute.
 * The first one is the user's primary `role`.
 */
export interface RoleMapping {
  directory_group_id: string;
  role: string;
}

export function effectiveRoles(attributeRoles: string[], groupIds: Iterable<string>, mappings: RoleMapping[]): string[] {
  const member = new Set(groupIds);
  const fromGroups = mappings.filter((m) => member.has(m.directory_group_id)).map((m) => m.role);
  return [...new Set([...fromGroups, ...attributeRoles])];
}

export function mapsGroup(mappings: RoleMapping[], groupId: string): boolean {
  return mappings.some((m) => m.directory_group_id === groupId);
}
