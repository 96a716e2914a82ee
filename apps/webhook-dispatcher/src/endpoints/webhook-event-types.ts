/**
 * Event types an endpoint may subscribe to: the node SDK's `CreateWebhookEndpointEvents`
 * (WORKOS_API.md §13.1, §22), the Vault types of §22 and `api_key.updated` (a type of WorkOS's
 * OpenAPI spec, §22, which identity publishes). Anything else is refused with a 422.
 */
export const SUBSCRIBABLE_EVENT_TYPES: ReadonlySet<string> = new Set([
  'authentication.email_verification_succeeded', 'authentication.magic_auth_failed', 'authentication.magic_auth_succeeded',
  'authentication.mfa_succeeded', 'authentication.oauth_failed', 'authentication.oauth_succeeded', 'authentication.password_failed',
  'authentication.password_succeeded', 'authentication.passkey_failed', 'authentication.passkey_succeeded', 'authentication.sso_failed',
  'authentication.sso_started', 'authentication.sso_succeeded', 'authentication.sso_timed_out', 'authentication.radar_risk_detected',
  'api_key.created', 'api_key.revoked', 'api_key.updated', 'connection.activated', 'connection.deactivated', 'connection.saml_certificate_renewal_required',
  'connection.saml_certificate_renewed', 'connection.deleted', 'dsync.activated', 'dsync.deleted', 'dsync.group.created',
  'dsync.group.deleted', 'dsync.group.updated', 'dsync.group.user_added', 'dsync.group.user_removed', 'dsync.user.created',
  'dsync.user.deleted', 'dsync.user.updated', 'email_verification.created', 'group.created', 'group.deleted', 'group.member_added',
  'group.member_removed', 'group.updated', 'flag.created', 'flag.deleted', 'flag.updated', 'flag.rule_updated', 'invitation.accepted',
  'invitation.created', 'invitation.resent', 'invitation.revoked', 'magic_auth.created', 'organization.created', 'organization.deleted',
  'organization.updated', 'organization_domain.created', 'organization_domain.deleted', 'organization_domain.updated',
  'organization_domain.verified', 'organization_domain.verification_failed', 'password_reset.created', 'password_reset.succeeded',
  'user.created', 'user.updated', 'user.deleted', 'organization_membership.created', 'organization_membership.deleted',
  'organization_membership.updated', 'role.created', 'role.deleted', 'role.updated', 'organization_role.created',
  'organization_role.deleted', 'organization_role.updated', 'permission.created', 'permission.deleted', 'permission.updated',
  'pipes.connected_account.connected', 'pipes.connected_account.connection_failed', 'pipes.connected_account.disconnected',
  'pipes.connected_account.reauthorization_needed', 'session.created', 'session.revoked', 'waitlist_user.approved',
  'waitlist_user.created', 'waitlist_user.denied', 'vault.data.created', 'vault.data.updated', 'vault.data.read', 'vault.data.deleted',
  'vault.metadata.read', 'vault.names.listed', 'vault.kek.created', 'vault.dek.read', 'vault.dek.decrypted',
  'vault.byok_key.verification_completed',
]);
