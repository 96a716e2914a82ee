import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { customProviderDefinition, missingScopes, PROVIDERS, requestedScopes } from './providers';

describe('the provider catalogue', () => {
  test('has the eight built-in providers, each with https endpoints', () => {
    assert.deepEqual(Object.keys(PROVIDERS).sort(), ['github', 'google', 'hubspot', 'linear', 'microsoft', 'notion', 'salesforce', 'slack']);
    for (const p of Object.values(PROVIDERS)) {
      assert.equal(new URL(p.authorizationUrl!).protocol, 'https:', p.type);
      assert.equal(new URL(p.tokenUrl!).protocol, 'https:', p.type);
      assert.ok([' ', ','].includes(p.scopeSeparator), p.type);
    }
  });

  test("an integration's scopes replace the provider's defaults; missing scopes are the requested ones not granted", () => {
    assert.deepEqual(requestedScopes(PROVIDERS.google!, null), ['openid', 'email', 'profile']);
    assert.deepEqual(requestedScopes(PROVIDERS.google!, ['x']), ['x']);
    assert.deepEqual(missingScopes(['a', 'b', 'c'], ['b']), ['a', 'c']);
  });

  test('a custom provider maps its wire definition', () => {
    const p = customProviderDefinition({
      name: 'Acme',
      authorization_url: 'https://acme.test/a',
      token_url: 'https://acme.test/t',
      refresh_token_url: null,
      pkce_enabled: true,
      request_scope_separator: ',',
      scopes_required: false,
      client_secret_required: true,
      additional_authorization_parameters: { prompt: 'consent' },
      token_body_content_type: 'application/json',
      authenticate_via: 'basic_auth_header',
    });
    assert.deepEqual([p.type, p.pkce, p.scopeSeparator, p.tokenBodyContentType, p.authenticateVia], ['custom', true, ',', 'application/json', 'basic_auth_header']);
  });
});
