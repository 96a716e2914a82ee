import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOwnConnectCallback } from './caller';

const client = 'client_01HZBC6N1EB1ZY7KG32XAAAAAA';
const self = { proto: 'https', host: 'auth.example.com' };

describe('isOwnConnectCallback', () => {
  test('only this gateway origin, this client ID and the exact callback path', () => {
    assert.ok(isOwnConnectCallback(`https://auth.example.com/oauth2/${client}/interaction/abc_DEF-1/callback`, client, self));
    assert.equal(isOwnConnectCallback(`https://evil.example.com/oauth2/${client}/interaction/abc/callback`, client, self), false, 'another host');
    assert.equal(isOwnConnectCallback(`http://auth.example.com/oauth2/${client}/interaction/abc/callback`, client, self), false, 'another scheme');
    assert.equal(isOwnConnectCallback(`https://auth.example.com/oauth2/client_01HZBC6N1EB1ZY7KG32XBBBBBB/interaction/abc/callback`, client, self), false, 'another client');
    assert.equal(isOwnConnectCallback(`https://auth.example.com/oauth2/${client}/interaction/abc/callback?x=1`, client, self), false, 'a query');
    assert.equal(isOwnConnectCallback(`https://auth.example.com/oauth2/${client}/interaction/a/b/callback`, client, self), false, 'another path');
    assert.equal(isOwnConnectCallback(`https://user@auth.example.com/oauth2/${client}/interaction/abc/callback`, client, self), false, 'userinfo');
    assert.equal(isOwnConnectCallback(`https://auth.example.com/oauth2/${client}/interaction/abc/callback`, client, undefined), false, 'no origin');
  });
});
