import { Topic } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import { toPermissionWire, type StoredPermission, type StoredRole } from './catalogue.dto';

type Change = 'created' | 'updated' | 'deleted';

/* Keyed by the organization for organization roles (their order per organization), else by the entity. */
export function roleEvent(change: Change, r: StoredRole, environmentId: string): OutboxMessage {
  const common = {
    slug: r.slug,
    resource_type_slug: r.resourceTypeSlug,
    permissions: r.permissions,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
  if (r.organizationId) {
    const data = { object: 'organization_role' as const, organization_id: r.organizationId, name: r.name, description: r.description, ...common };
    return { topic: Topic.authorization, key: r.organizationId, event: buildEvent(`organization_role.${change}`, data, environmentId) };
  }
  return { topic: Topic.authorization, key: r.id, event: buildEvent(`role.${change}`, { object: 'role' as const, ...common }, environmentId) };
}

export function permissionEvent(change: Change, p: StoredPermission, environmentId: string): OutboxMessage {
  return { topic: Topic.authorization, key: p.id, event: buildEvent(`permission.${change}`, toPermissionWire(p), environmentId) };
}
