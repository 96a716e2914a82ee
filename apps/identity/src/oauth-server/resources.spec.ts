import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAllowedResource, resourceScopes } from './resources';
import { isAllowedRedirectUri } from '../connect/applications.dto';

describe('resource indicators and redirect URIs', () => {
  test('RFC 8707 §2: absolute https (http on loopback), no fragment, no userinfo, bounded', () => {
    for (const ok of ['https://api.example.com', 'https://mcp.example.com/mcp?x=1', 'http://127.0.0.1:9999/api', 'http://localhost/x']) assert.ok(isAllowedResource(ok), ok);
    for (const bad of ['api.example.com', 'https://a.example.com/#f', 'http://api.example.com', 'https://u:p@a.example.com', 'urn:x', `https://a.example.com/${'x'.repeat(2048)}`]) {
      assert.equal(isAllowedResource(bad), false, bad);
    }
  });

  test('API scopes: the application’s; an OAuth app without any gets what was asked (consented); M2M never more than configured', () => {
    assert.deepEqual(resourceScopes({ allowed_scopes: ['openid', 'a:read'], grant_types: ['authorization_code'] }, 'a:read b:write'), ['a:read']);
    assert.deepEqual(resourceScopes({ allowed_scopes: [], grant_types: ['authorization_code'] }, 'openid files:read'), ['files:read']);
    assert.deepEqual(resourceScopes({ allowed_scopes: [], grant_types: ['client_credentials'] }, 'anything'), []);
  });

  test('RFC 6749 §3.1.2 and RFC 8252: https, loopback http, private-use schemes; never a fragment or javascript:', () => {
    for (const ok of ['https://app.example.com/cb', 'http://127.0.0.1:3000/cb', 'http://[::1]/cb', 'com.example.app:/oauth']) assert.ok(isAllowedRedirectUri(ok), ok);
    for (const bad of ['http://app.example.com/cb', 'https://app.example.com/cb#x', 'javascript:alert(1)', 'data:text/html,x', 'not a url']) assert.equal(isAllowedRedirectUri(bad), false, bad);
  });
});
