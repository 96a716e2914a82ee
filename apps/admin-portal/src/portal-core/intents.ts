/** What a portal link opens (WORKOS_API.md §15 `intent`). */
export const PORTAL_INTENTS = ['sso', 'dsync', 'audit_logs', 'log_streams', 'domain_verification', 'certificate_renewal', 'bring_your_own_key'] as const;
export type PortalIntent = (typeof PORTAL_INTENTS)[number];

/** What an IT contact may be invited to (WORKOS_API.md §5 `inviteItContact`). */
export const IT_CONTACT_INTENTS = ['sso', 'directory_sync', 'log_streams', 'domain_verification', 'bring_your_own_key'] as const;
export type ItContactIntent = (typeof IT_CONTACT_INTENTS)[number];

/** The IT-contact API says `directory_sync` where the portal link says `dsync`; the rest match. */
export function portalIntentOf(i: ItContactIntent): PortalIntent {
  return i === 'directory_sync' ? 'dsync' : i;
}

export const isPortalIntent = (s: string): s is PortalIntent => (PORTAL_INTENTS as readonly string[]).includes(s);
