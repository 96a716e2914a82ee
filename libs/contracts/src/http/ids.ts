/** WorkOS ID prefixes (WORKOS_API.md §4). The suffix is always a 26-character ULID. */
export const IdPrefix = {
  organization: 'org',
  organizationDomain: 'org_domain',
  event: 'event',
  environment: 'environment',
  apiKey: 'api_key',
  clientId: 'client',
  redirectUri: 'redirect_uri',
  corsOrigin: 'cors_origin',
  user: 'user',
  emailVerification: 'email_verification',
  passwordReset: 'password_reset',
  magicAuth: 'magic_auth',
  invitation: 'invitation',
  session: 'session',
  organizationMembership: 'om',
  authenticationFactor: 'auth_factor',
  authenticationChallenge: 'auth_challenge',
  connection: 'conn',
  connectionDomain: 'conn_domain',
  profile: 'prof',
  directory: 'directory',
  directoryUser: 'directory_user',
  directoryGroup: 'directory_group',
  directoryToken: 'directory_token',
  webhookEndpoint: 'we',
  webhookDeliveryAttempt: 'webhook_attempt',
  /** An accepted audit-log event (its ID travels on the SIEM topic; WorkOS's API never shows one). */
  auditLogEvent: 'audit_log_event',
  auditLogExport: 'audit_log_export',
  /** A signed point of an organization's audit-log hash chain (ours; WorkOS has no chain). */
  auditLogCheckpoint: 'audit_log_checkpoint',
  /** An Ed25519 key that signs audit-log checkpoints (its public half is at /audit_logs/chain/keys). */
  auditLogChainKey: 'audit_log_chain_key',
  /** A log stream of one organization's audit-log events to a SIEM (ours; WorkOS configures them in its Admin Portal). */
  logStream: 'log_stream',
  /** The removal of a shredded organization's vault objects (ours). */
  vaultPurge: 'vault_purge',
  role: 'role',
  permission: 'perm',
  authorizationResource: 'authz_resource',
  roleAssignment: 'role_assignment',
  group: 'group',
  groupRoleAssignment: 'gra',
  passwordlessSession: 'passwordless_session',
  waitlist: 'waitlist',
  waitlistEntry: 'waitlist_entry',
  radarAttempt: 'radar_att',
  radarListEntry: 'radar_list_entry',
  radarChallenge: 'radar_challenge',
  dataIntegration: 'data_integration',
  /** A connected account (WorkOS calls an integration's per-tenant record an installation). */
  dataInstallation: 'data_installation',
  /** An organization's settings for one provider (ours: WorkOS's prefix is not public). */
  dataIntegrationConfig: 'data_integration_config',
  /** A Connect application (OAuth or M2M client of an environment's authorization server). */
  connectApplication: 'conn_app',
  /** A Connect application's client secret (the SDK's example ID is `secret_…`). */
  connectSecret: 'secret',
  agentBlueprint: 'agent_blueprint',
  agentInstance: 'agent_instance',
  agentSession: 'agent_session',
  agentRegistration: 'agent_reg',
  /** A self-registered agent's identity, its claim, a claim attempt and an agent API key (the SDK fixtures' prefixes; the key's ours). */
  agentIdentity: 'agent_identity',
  agentClaim: 'agent_reg_claim',
  agentClaimAttempt: 'agent_reg_claim_attempt',
  agentApiKey: 'agent_api_key',
  featureFlag: 'flag',
  /** The service template's sample aggregate (events/template-sample.ts). */
  templateSample: 'template_sample',
  /** An organization's IT contact (SDK 11 `createItContact`; WorkOS's prefix is not public). */
  itContact: 'it_contact',
  /** An Admin Portal link and an SSO self-test result (ours; never on the wire as IDs WorkOS defines). */
  portalLink: 'portal_link',
  ssoTestResult: 'sso_test',
  /** A user's authorization of a Connect application (the Java SDK's `authorized_connect_application`). */
  authorizedConnectApplication: 'authorized_connect_app',
  /** A pending email change's code (its row; the `email_change` object has no ID on the wire). */
  emailChange: 'email_change',
} as const;
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];

const ULID_PATTERN = '[0-9A-HJKMNP-TV-Z]{26}';
const patterns = new Map<string, RegExp>();

/** True when `id` is `<prefix>_<ULID>`; used to reject malformed IDs with a 404 before any query. */
export function hasIdShape(id: string, prefix: IdPrefix): boolean {
  let re = patterns.get(prefix);
  if (!re) patterns.set(prefix, (re = new RegExp(`^${prefix}_${ULID_PATTERN}$`)));
  return re.test(id);
}
