import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutClientSecret } from './client-secret';

const form = 'application/x-www-form-urlencoded';
const strip = (body: string, type = form, url = '/sso/token') => {
  const r = withoutClientSecret(url, type, Buffer.from(body));
  return { url: r.url, body: r.body?.toString() };
};

describe('withoutClientSecret', () => {
  test('removes the field from form bodies, keeping every other byte', () => {
    assert.equal(strip('client_id=c&client_secret=sk_test_x&code=a%2Bb+c').body, 'client_id=c&code=a%2Bb+c');
    assert.equal(strip('client%5Fsecret=sk_test_x&code=1').body, 'code=1', 'an encoded name is the same name');
    assert.equal(strip('code=1').body, 'code=1');
  });

  test('removes the field from JSON bodies, however it is spelled', () => {
    assert.deepEqual(JSON.parse(strip('{"client_id":"c","client_secret":"sk_test_x","n":1}', 'application/json').body!), { client_id: 'c', n: 1 });
    assert.deepEqual(JSON.parse(strip('{"client\\u005fsecret":"sk_test_x"}', 'application/json').body!), {});
    assert.equal(strip('{"code":"x"}', 'application/json').body, '{"code":"x"}', 'untouched without the field');
    assert.equal(strip('{not json client_secret', 'application/json').body, '{not json client_secret', 'unparseable bodies are left to the service');
  });

  test('removes the field from the query', () => {
    assert.equal(withoutClientSecret('/sso/token?client_secret=sk_test_x&a=1', form, undefined).url, '/sso/token?a=1');
    assert.equal(withoutClientSecret('/sso/token?client_secret=sk_test_x', form, undefined).url, '/sso/token');
    assert.equal(withoutClientSecret('/sso/token?a=%20&&b', form, undefined).url, '/sso/token?a=%20&&b');
  });
});
