/*
 * The SSO self-test's judgement of what an IdP asserted (pure: no Nest, no I/O). Each quirk is a
 * known IdP misconfiguration recognisable from the profile itself, named so the page can give
 * the fix in the IdP's console.
 */

/** The profile fields the checks read (the sso service's `profile` wire object). */
export interface TestedProfile {
  idp_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  groups?: string[];
  raw_attributes: Record<string, unknown>;
}

export type SsoQuirk = 'missing_name' | 'nameid_mismatch' | 'nameid_transient' | 'entra_group_ids' | 'string_booleans';

export interface SsoReport {
  email: boolean;
  name: boolean;
  /** The assertion's validity window held our clock (within the accepted skew); absent: not known. */
  clock?: boolean;
  quirks: SsoQuirk[];
}

/** The sso service's refusals of a test sign-in that are a failed check of their own (the rest are only the error). */
const CLOCK_REFUSALS = new Set(['assertion_not_yet_valid', 'assertion_expired']);

/**
 * The checks a refused test sign-in answers, from the sso service's reason: no email (the assertion
 * itself was valid, so its time window was), or a time window beyond the accepted skew.
 */
export function checkRefusal(reason: string): Partial<SsoReport> {
  if (reason === 'missing_email') return { email: false, clock: true };
  if (CLOCK_REFUSALS.has(reason)) return { clock: false };
  return {};
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `previousIdpId` is the NameID the last test of the same email saw on this connection: a
 * different one now means the IdP mints a new identifier per sign-in (a transient NameID),
 * which would make every sign-in a new user.
 */
export function checkProfile(p: TestedProfile, previousIdpId: string | null): SsoReport {
  const quirks: SsoQuirk[] = [];
  const name = Boolean(p.first_name && p.last_name);
  if (!name) quirks.push('missing_name');
  if (EMAIL.test(p.idp_id) && p.idp_id.toLowerCase() !== p.email.toLowerCase()) quirks.push('nameid_mismatch');
  if (previousIdpId !== null && previousIdpId !== p.idp_id) quirks.push('nameid_transient');
  if (p.groups?.length && p.groups.every((g) => GUID.test(g))) quirks.push('entra_group_ids');
  const values = Object.values(p.raw_attributes).flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (values.some((v) => v === 'True' || v === 'False')) quirks.push('string_booleans');
  // The sso service accepted the assertion, so its validity window held our clock.
  return { email: EMAIL.test(p.email), name, clock: true, quirks };
}
