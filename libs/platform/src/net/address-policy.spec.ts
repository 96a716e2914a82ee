import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPolicy, UnsafeAddressError } from './address-policy';

test('loopback, private, link-local, CGNAT, multicast and their IPv6 forms are refused by default', () => {
  const p = new AddressPolicy([]);
  for (const a of ['127.0.0.1', '10.0.0.5', '172.20.1.1', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
    assert.equal(p.isAllowed(a), false, a);
  }
  for (const a of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(p.isAllowed(a), true, a);
});

test('the allow-list admits exactly its ranges', () => {
  const p = new AddressPolicy(['127.0.0.1/32', '10.1.0.0/16']);
  assert.equal(p.isAllowed('127.0.0.1'), true);
  assert.equal(p.isAllowed('127.0.0.2'), false);
  assert.equal(p.isAllowed('10.1.200.3'), true);
  assert.equal(p.isAllowed('10.2.0.1'), false);
  assert.equal(p.isAllowed('::ffff:127.0.0.1'), true);
  assert.throws(() => new AddressPolicy(['nonsense/8']));
});

test('names are judged by what they resolve to', async () => {
  const p = new AddressPolicy([]);
  await assert.rejects(p.resolveSafely('localhost'), UnsafeAddressError);
  await assert.rejects(p.resolveSafely('[::1]'), UnsafeAddressError);
  assert.deepEqual(await new AddressPolicy(['127.0.0.0/8', '::1/128']).resolveSafely('127.0.0.1'), [{ address: '127.0.0.1', family: 4 }]);
});

test('IPv6 forms that embed or translate to IPv4, and retired or reserved ranges, are refused (L7)', () => {
  const p = new AddressPolicy([]);
  for (const a of [
    '::127.0.0.1', '::7f00:1', '::10.0.0.1', '::8.8.8.8', // IPv4-compatible ::a.b.c.d (deprecated; never a public route)
    '::ffff:0:127.0.0.1', '::ffff:0:a9fe:a9fe', '::ffff:0:8.8.8.8', // SIIT ::ffff:0:a.b.c.d
    '64:ff9b::a9fe:a9fe', '64:ff9b:1::a00:1', '64:ff9b:1:ffff::1', // NAT64, well-known and local-use
    '2002:7f00:1::1', '2002:a9fe:a9fe::', // 6to4 (embeds 127.0.0.1, 169.254.169.254)
    'fec0::1', 'feff::1', // site-local
    '100::1', '100::ffff:ffff:ffff:ffff', // discard-only
    '::ffff:7f00:1', // IPv4-mapped in hex
  ]) {
    assert.equal(p.isAllowed(a), false, a);
  }
  for (const a of ['2001:4860:4860::8888', '2a00:1450::1', '101::1', '64:ff9b:2::1']) assert.equal(p.isAllowed(a), true, a);
});
