import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionSchema } from '@wos/contracts';
import { authMethodOf, toSessionWire } from './sessions.dto';
import type { Session } from '../generated/prisma/client';

const base: Session = {
  id: 'session_01HZZZZZZZZZZZZZZZZZZZZZZZ',
  environmentId: 'environment_x',
  userId: 'user_01HZZZZZZZZZZZZZZZZZZZZZZZ',
  organizationId: null,
  authMethod: 'Password',
  status: 'active',
  ipAddress: null,
  userAgent: null,
  impersonator: null,
  ssoConnectionId: null,
  ssoOrganizationId: null,
  expiresAt: new Date('2030-01-01T00:00:00Z'),
  endedAt: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

test('session status is revoked, expired (derived from expires_at) or active', () => {
  assert.equal(toSessionWire(base, new Date('2029-12-31T23:59:59Z')).status, 'active');
  assert.equal(toSessionWire(base, new Date('2030-01-01T00:00:00Z')).status, 'expired');
  assert.equal(toSessionWire({ ...base, status: 'revoked', endedAt: new Date() }).status, 'revoked');
  sessionSchema.parse(toSessionWire(base));
});

test('auth_method maps WorkOS authentication methods to session methods', () => {
  assert.equal(authMethodOf('Password'), 'password');
  assert.equal(authMethodOf('MagicAuth'), 'magic_code');
  assert.equal(authMethodOf('GoogleOAuth'), 'oauth');
  assert.equal(authMethodOf('SSO'), 'sso');
  assert.equal(authMethodOf('Something'), 'unknown');
});
