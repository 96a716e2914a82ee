import { test } from 'node:test';
import assert from 'node:assert/strict';
import { organizationEntry } from './organization-entry';

const A = 'org_A';
const B = 'org_B';
const membership = (organizationId: string, source: string, sourceConnectionId: string | null = null) => ({ organizationId, source, sourceConnectionId });

test('a session through an organization SSO connection stays in that organization', () => {
  assert.deepEqual(organizationEntry({ ssoOrganizationId: A }, membership(A, 'sso', 'conn_A')), { allowed: true });
  assert.deepEqual(organizationEntry({ ssoOrganizationId: A }, membership(A, 'api')), { allowed: true });
  assert.deepEqual(organizationEntry({ ssoOrganizationId: A }, membership(B, 'api')), { allowed: false, reason: 'other_sso_organization' });
  assert.deepEqual(organizationEntry({ ssoOrganizationId: A }, membership(B, 'sso', 'conn_B')), { allowed: false, reason: 'other_sso_organization' });
});

test('a membership granted by SSO needs a session through that organization; others are open to any session', () => {
  assert.deepEqual(organizationEntry({ ssoOrganizationId: null }, membership(B, 'sso', 'conn_B')), { allowed: false, reason: 'sso_required', connectionId: 'conn_B' });
  for (const source of ['api', 'invitation', 'domain_capture']) assert.deepEqual(organizationEntry({ ssoOrganizationId: null }, membership(B, source)), { allowed: true });
});
