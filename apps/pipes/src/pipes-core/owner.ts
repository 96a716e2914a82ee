/*
 * Who owns a connected account. Invariant: one compatibility connection per integration and
 * owner shape, enforced by the unique index on (environment_id, data_integration_id, owner_key).
 * A user's connection scoped to an organization is a different shape from the same user's
 * unscoped one, as in WorkOS (`organization_id` selects it).
 */
export type OwnerType = 'user' | 'organization';

export interface Owner {
  type: OwnerType;
  /** The user who owns it (`user`), or null for an organization's shared connection. */
  userId: string | null;
  organizationId: string | null;
}

export function ownerKey(o: Owner): string {
  return o.type === 'organization' ? `organization:${o.organizationId}` : `user:${o.userId}|${o.organizationId ?? ''}`;
}

/**
 * The Vault key context of the account's secrets. An organization's (or an organization-scoped
 * user's) secrets sit under `{organization_id}`, so Vault's crypto-shredding of a deleted
 * organization makes them unrecoverable. A user's unscoped connection sits under a KEK of its
 * own, `{pipes_user_id}`: it belongs to no organization, so no organization's deletion may
 * destroy it, and it is deleted with the account.
 */
export function vaultKeyContext(o: Owner): Record<string, string> {
  return o.organizationId ? { organization_id: o.organizationId } : { pipes_user_id: o.userId ?? '' };
}
