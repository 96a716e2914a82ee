/** The `profile` wire object (WORKOS_API.md §9). */
export interface ProfileWire {
  object: 'profile';
  id: string;
  idp_id: string;
  organization_id: string | null;
  connection_id: string;
  connection_type: string;
  email: string;
  /**
   * Our extension (C2): true only when the provider proved this address (an OIDC/Google
   * `email_verified`, GitHub's verified primary address, Microsoft's verified-domain claim).
   * Always false for SAML and for an address taken from a username or the NameID.
   */
  email_verified: boolean;
  first_name: string | null;
  last_name: string | null;
  name?: string;
  role?: { slug: string };
  roles?: { slug: string }[];
  groups?: string[];
  custom_attributes: Record<string, unknown>;
  raw_attributes: Record<string, unknown>;
}

export type NormalisedProfile = Omit<ProfileWire, 'object' | 'id' | 'organization_id' | 'connection_id' | 'connection_type' | 'email_verified'>;

/*
 * Attribute names by profile field, most specific first: Okta-style (firstName, email),
 * Entra/ADFS claim URIs, OIDC claims, LDAP/OID names (givenName, urn:oid:...), and common
 * generic spellings. Matching is case-insensitive.
 */
/** Attributes that are an email address by definition. */
const EMAIL_ATTRIBUTES = [
  'email', 'mail', 'emailaddress', 'user.email', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3',
];
/**
 * Sign-in names that often look like an address but are not one the user proved to own: an
 * Entra UPN or an OIDC preferred_username can be any string an IdP admin types. An email taken
 * from these (or from the NameID) is accepted as the profile's email, last, but can never be
 * reported as verified.
 */
const USERNAME_ATTRIBUTES = ['upn', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', 'preferred_username'];

const CANDIDATES: Record<'email' | 'first_name' | 'last_name' | 'name' | 'groups' | 'role', string[]> = {
  email: [...EMAIL_ATTRIBUTES, ...USERNAME_ATTRIBUTES],
  first_name: ['firstname', 'first_name', 'given_name', 'givenname', 'user.firstname', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', 'urn:oid:2.5.4.42'],
  last_name: ['lastname', 'last_name', 'family_name', 'surname', 'sn', 'user.lastname', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'urn:oid:2.5.4.4'],
  name: ['name', 'displayname', 'display_name', 'http://schemas.microsoft.com/identity/claims/displayname', 'cn', 'urn:oid:2.16.840.1.113730.3.1.241'],
  groups: ['groups', 'group', 'memberof', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1'],
  role: ['role', 'roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'],
};
const STANDARD = new Set(['idp_id', ...Object.keys(CANDIDATES)]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class ProfileRejection extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The profile fields, and whether its email came from an attribute that is an address by definition. */
export interface Normalised {
  profile: NormalisedProfile;
  /** False when the email came from a username attribute (upn, preferred_username), the NameID/subject, or a mapped attribute that is neither. */
  emailFromEmailAttribute: boolean;
}

/**
 * Builds the profile fields from what the IdP asserted. `attributeMap` (per connection) names
 * the IdP attribute for a field and wins over the built-in names; its non-standard keys become
 * custom_attributes. raw_attributes keep everything the IdP sent.
 */
export function normaliseProfile(subject: string, raw: Record<string, unknown>, attributeMap: Record<string, string> = {}): Normalised {
  const lower = new Map(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));
  const lookup = (name: string) => lower.get(name.toLowerCase());
  const used: Partial<Record<keyof typeof CANDIDATES, string>> = {};
  const pick = (field: keyof typeof CANDIDATES): unknown => {
    const mapped = attributeMap[field];
    if (mapped) {
      used[field] = mapped.toLowerCase();
      return lookup(mapped);
    }
    for (const c of CANDIDATES[field]) {
      const v = lookup(c);
      if (v !== undefined && v !== '' && !(Array.isArray(v) && !v.length)) {
        used[field] = c;
        return v;
      }
    }
    return undefined;
  };
  const first = (v: unknown): string | undefined => {
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === 'string' && s.trim() ? s.trim() : typeof s === 'number' ? String(s) : undefined;
  };
  const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => (typeof x === 'string' ? x.trim() : String(x))).filter(Boolean);

  const idpId = first(attributeMap.idp_id ? lookup(attributeMap.idp_id) : undefined) ?? subject;
  const fromAttribute = first(pick('email'));
  // The NameID / subject is the last resort, and never an attribute that proves an address.
  const emailCandidate = fromAttribute ?? (EMAIL.test(subject) ? subject : undefined);
  if (!emailCandidate || !EMAIL.test(emailCandidate)) throw new ProfileRejection('missing_email', 'The IdP did not assert an email address for the user.');
  const emailFromEmailAttribute = fromAttribute !== undefined && EMAIL_ATTRIBUTES.includes(used.email ?? '');
  const profile: NormalisedProfile = {
    idp_id: idpId,
    email: emailCandidate.toLowerCase(),
    first_name: first(pick('first_name')) ?? null,
    last_name: first(pick('last_name')) ?? null,
    custom_attributes: {},
    raw_attributes: raw,
  };
  const name = first(pick('name')) ?? ([profile.first_name, profile.last_name].filter(Boolean).join(' ') || undefined);
  if (name) profile.name = name;
  const groups = list(pick('groups'));
  if (groups.length) profile.groups = groups;
  const roles = list(pick('role'));
  if (roles.length) {
    profile.role = { slug: roles[0]! };
    profile.roles = roles.map((slug) => ({ slug }));
  }
  for (const [key, attr] of Object.entries(attributeMap)) {
    if (STANDARD.has(key)) continue;
    const v = lookup(attr);
    if (v !== undefined) profile.custom_attributes[key] = v;
  }
  return { profile, emailFromEmailAttribute };
}
