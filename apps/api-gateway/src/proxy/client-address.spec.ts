import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustedProxies } from './client-address';

describe('TrustedProxies', () => {
  const none = TrustedProxies.parse('');
  const lb = TrustedProxies.parse('10.0.0.0/8, 2001:db8::/32, 192.0.2.7');

  test('parses CIDRs and single addresses, and refuses anything else', () => {
    assert.ok(lb.has('10.1.2.3'));
    assert.ok(lb.has('::ffff:10.1.2.3'), 'IPv4-mapped IPv6 is the IPv4 address');
    assert.ok(lb.has('2001:db8::1'));
    assert.ok(lb.has('192.0.2.7'));
    assert.equal(lb.has('192.0.2.8'), false);
    assert.equal(none.has('127.0.0.1'), false);
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '1.2.3.4/x', '::1/129']) assert.throws(() => TrustedProxies.parse(bad), /is not a CIDR/, bad);
  });

  test('without trusted proxies the socket peer is the client, whatever the headers say', () => {
    const o = none.origin('::ffff:203.0.113.9', { 'x-forwarded-for': '1.1.1.1', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', host: 'api.local' }, false);
    assert.deepEqual(o, { ip: '203.0.113.9', proto: 'http', host: 'api.local' });
  });

  test('an untrusted peer cannot set the client address even when proxies are configured', () => {
    assert.equal(lb.origin('203.0.113.9', { 'x-forwarded-for': '10.0.0.5' }, false).ip, '203.0.113.9');
  });

  test('behind trusted proxies: the right-most address no trusted proxy added', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.0.0.2', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com', host: 'gw:8080' };
    assert.deepEqual(lb.origin('10.0.0.1', headers, false), { ip: '198.51.100.4', proto: 'https', host: 'api.example.com' });
    // Repeated headers, ports and brackets.
    assert.equal(lb.origin('10.0.0.1', { 'x-forwarded-for': ['6.6.6.6', '198.51.100.4:5123, [2001:db8::5]:443'] }, false).ip, '198.51.100.4');
    assert.equal(lb.origin('10.0.0.1', { 'x-forwarded-for': '[2001:db9::5]:443' }, false).ip, '2001:db9::5');
  });

  test('all-trusted chains, garbage and missing headers', () => {
    assert.equal(lb.origin('10.0.0.1', { 'x-forwarded-for': '10.0.0.9, 10.0.0.2' }, false).ip, '10.0.0.9', 'internal traffic: the left-most');
    assert.equal(lb.origin('10.0.0.1', { 'x-forwarded-for': 'unknown, 10.0.0.2' }, false).ip, '10.0.0.2', 'garbage stops at the last address vouched for');
    assert.equal(lb.origin('10.0.0.1', {}, false).ip, '10.0.0.1');
    assert.equal(lb.origin('10.0.0.1', { 'x-forwarded-proto': 'gopher' }, true).proto, 'https', 'a nonsense proto falls back to the connection');
  });
});
