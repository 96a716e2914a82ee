import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledLists, normaliseListEntry, parseCidr, type ListEntry } from './lists';
import { subnetOf } from './network';

const signals = { ipAddress: '203.0.113.9', email: 'Alice@Example.com', userAgent: 'Mozilla/5.0' };

describe('normaliseListEntry', () => {
  test('canonical IPs and CIDRs, lower-cased emails and domains, upper-cased countries', () => {
    assert.deepEqual(normaliseListEntry('ip_address', ' 10.1.2.3/24 '), { ok: true, entry: '10.1.2.0/24' });
    assert.deepEqual(normaliseListEntry('ip_address', '10.1.2.3'), { ok: true, entry: '10.1.2.3' });
    assert.equal(normaliseListEntry('ip_address', '10.1.2.3/33').ok, false);
    assert.equal(normaliseListEntry('ip_address', 'not-an-ip').ok, false);
    assert.deepEqual(normaliseListEntry('email', 'Bob@Example.COM'), { ok: true, entry: 'bob@example.com' });
    assert.deepEqual(normaliseListEntry('domain', 'Example.COM'), { ok: true, entry: 'example.com' });
    assert.deepEqual(normaliseListEntry('country', 'de'), { ok: true, entry: 'DE' });
    assert.equal(normaliseListEntry('country', 'DEU').ok, false);
    assert.equal(normaliseListEntry('user_agent', '   ').ok, false);
    assert.equal(parseCidr('2001:db8::1/64'), '2001:db8::1/64');
  });
});

describe('CompiledLists', () => {
  const lists = (entries: ListEntry[]) => new CompiledLists(entries);

  test('matches exact IPs, CIDR ranges, emails, email domains, user agents and countries', () => {
    assert.equal(lists([{ type: 'ip_address', action: 'block', entry: '203.0.113.9' }]).match(signals)?.type, 'ip_address');
    assert.equal(lists([{ type: 'ip_address', action: 'block', entry: '203.0.113.0/24' }]).match(signals)?.action, 'block');
    assert.equal(lists([{ type: 'ip_address', action: 'block', entry: '203.0.114.0/24' }]).match(signals), undefined);
    assert.equal(lists([{ type: 'email', action: 'allow', entry: 'alice@example.com' }]).match(signals)?.action, 'allow');
    assert.equal(lists([{ type: 'domain', action: 'block', entry: 'example.com' }]).match(signals)?.type, 'domain');
    assert.equal(lists([{ type: 'user_agent', action: 'block', entry: 'Mozilla/5.0' }]).match(signals)?.type, 'user_agent');
    assert.equal(lists([{ type: 'country', action: 'block', entry: 'FR' }]).match({ ...signals, country: 'fr' })?.type, 'country');
    assert.equal(lists([{ type: 'country', action: 'block', entry: 'FR' }]).match(signals), undefined);
  });

  test('a deny entry wins over an allow entry', () => {
    const both = lists([
      { type: 'email', action: 'allow', entry: 'alice@example.com' },
      { type: 'ip_address', action: 'block', entry: '203.0.113.0/24' },
    ]);
    assert.deepEqual(both.match(signals), { action: 'block', type: 'ip_address', entry: '203.0.113.9' });
  });
});

describe('subnetOf', () => {
  test('/24 for IPv4 and /64 for IPv6, whatever the spelling', () => {
    assert.equal(subnetOf('198.51.100.77'), '198.51.100.0/24');
    assert.equal(subnetOf('2001:db8:0:1::5'), subnetOf('2001:0db8:0000:0001:0000:0000:0000:0009'));
  });
});
