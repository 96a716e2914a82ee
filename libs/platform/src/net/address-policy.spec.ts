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
