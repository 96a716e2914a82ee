import { SCIM } from './scim-schemas';

/* Discovery documents (RFC 7644 §4, RFC 7643 §5–§7), relative to a directory's SCIM base URL. */

export function serviceProviderConfig(baseUrl: string, maxResults: number): Record<string, unknown> {
  return {
    schemas: [SCIM.serviceProviderConfig],
    documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'The directory bearer token, sent as Authorization: Bearer <token>.', primary: true },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string): Record<string, unknown>[] {
  return [
    {
      schemas: [SCIM.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: SCIM.user,
      schemaExtensions: [{ schema: SCIM.enterprise, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [SCIM.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Group',
      schema: SCIM.group,
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

type Attr = Record<string, unknown>;
const str = (name: string, extra: Attr = {}): Attr => ({
  name, type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra,
});
const complex = (name: string, subAttributes: Attr[], extra: Attr = {}): Attr => ({
  name, type: 'complex', multiValued: false, required: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', subAttributes, ...extra,
});
const multi = (name: string, subAttributes: Attr[]): Attr => complex(name, subAttributes, { multiValued: true });
const bool = (name: string): Attr => ({ name, type: 'boolean', multiValued: false, required: false, mutability: 'readWrite', returned: 'default' });
const valueSubs = [str('value'), str('display'), str('type'), bool('primary')];

export function schemas(baseUrl: string): Record<string, unknown>[] {
  const doc = (id: string, name: string, description: string, attributes: Attr[]) => ({
    schemas: [SCIM.schema], id, name, description, attributes, meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${id}` },
  });
  return [
    doc(SCIM.user, 'User', 'User Account', [
      str('userName', { required: true, uniqueness: 'server' }),
      complex('name', [str('formatted'), str('familyName'), str('givenName'), str('middleName'), str('honorificPrefix'), str('honorificSuffix')]),
      str('displayName'), str('nickName'), str('title'), str('userType'), str('preferredLanguage'), str('locale'), str('timezone'),
      bool('active'),
      str('password', { mutability: 'writeOnly', returned: 'never' }),
      multi('emails', valueSubs), multi('phoneNumbers', valueSubs),
      multi('addresses', [str('formatted'), str('streetAddress'), str('locality'), str('region'), str('postalCode'), str('country'), str('type'), bool('primary')]),
      multi('groups', [str('value', { mutability: 'readOnly' }), str('display', { mutability: 'readOnly' })]),
      multi('roles', valueSubs),
      str('externalId', { caseExact: true }),
    ]),
    doc(SCIM.group, 'Group', 'Group', [
      str('displayName', { required: true }),
      multi('members', [str('value', { mutability: 'immutable' }), str('display'), str('type')]),
      str('externalId', { caseExact: true }),
    ]),
    doc(SCIM.enterprise, 'EnterpriseUser', 'Enterprise User', [
      str('employeeNumber'), str('costCenter'), str('organization'), str('division'), str('department'),
      complex('manager', [str('value'), str('displayName', { mutability: 'readOnly' })]),
    ]),
  ];
}
