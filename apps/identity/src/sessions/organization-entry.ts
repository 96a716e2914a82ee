/**
 * Which organizations a session may be scoped to: at sign-in (the organization the sign-in names
 * or picks) and afterwards (a `refresh_token` grant switching to another `organization_id`).
 * The rule, on top of "the membership is active":
 *
 * 1. A session authenticated through an organization's SSO connection stays in that
 *    organization. That IdP vouched for the user to its own organization only; letting its
 *    session walk into others would let one customer's IdP act in another's (security review C2b).
 * 2. A membership granted by an organization's SSO connection (source `sso`) is entered only by a
 *    session authenticated through that organization's SSO: it exists because that IdP said so.
 *
 * Refusals: rule 1 is `invalid_grant` (sign in again), rule 2 is `sso_required` naming the
 * connection that granted the membership, as WorkOS answers an organization that requires SSO.
 * sessions.repository.ts applies the same rule inside the rotation statement; SessionsService
 * applies it at sign-in.
 */
export type OrganizationEntry = { allowed: true } | { allowed: false; reason: 'other_sso_organization' } | { allowed: false; reason: 'sso_required'; connectionId: string | null };

export function organizationEntry(
  session: { ssoOrganizationId: string | null },
  membership: { organizationId: string; source: string; sourceConnectionId: string | null },
): OrganizationEntry {
  if (session.ssoOrganizationId !== null) {
    return session.ssoOrganizationId === membership.organizationId ? { allowed: true } : { allowed: false, reason: 'other_sso_organization' };
  }
  if (membership.source === 'sso') return { allowed: false, reason: 'sso_required', connectionId: membership.sourceConnectionId };
  return { allowed: true };
}
