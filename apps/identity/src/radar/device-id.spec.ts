import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceFingerprint, networkOf, userAgentFamily } from './device-id';

const CHROME_MAC_126 = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const CHROME_MAC_127 = CHROME_MAC_126.replace('126.0.0.0', '127.0.6533.72');
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const EDGE_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87';

describe('deviceFingerprint', () => {
  test('a device identifier (the hosted cookie, the caller\'s device_id) wins over a fingerprint', () => {
    assert.equal(deviceFingerprint({ deviceId: 'd1', userAgent: CHROME_MAC_126, ipAddress: '203.0.113.9' }), 'id:d1');
    assert.match(deviceFingerprint({ userAgent: CHROME_MAC_126, ipAddress: '203.0.113.9' }) ?? '', /^fp:[A-Za-z0-9_-]{43}$/);
  });

  test('a fingerprint ignores versions and the last octet, and changes with the browser family or the network', () => {
    const fp = (userAgent: string, ipAddress: string) => deviceFingerprint({ userAgent, ipAddress });
    assert.equal(fp(CHROME_MAC_126, '203.0.113.9'), fp(CHROME_MAC_127, '203.0.113.200'));
    assert.notEqual(fp(CHROME_MAC_126, '203.0.113.9'), fp(SAFARI_IPHONE, '203.0.113.9'));
    assert.notEqual(fp(CHROME_MAC_126, '203.0.113.9'), fp(CHROME_MAC_126, '203.0.114.9'));
  });

  test('without a user agent or a usable IP address there is no device', () => {
    assert.equal(deviceFingerprint({ userAgent: CHROME_MAC_126 }), undefined);
    assert.equal(deviceFingerprint({ ipAddress: '203.0.113.9' }), undefined);
    assert.equal(deviceFingerprint({ userAgent: CHROME_MAC_126, ipAddress: 'not-an-ip' }), undefined);
  });
});

describe('networkOf and userAgentFamily', () => {
  test('IPv4 /24 and IPv6 /48, canonical', () => {
    assert.equal(networkOf('198.51.100.77'), '198.51.100.0/24');
    assert.equal(networkOf('2001:db8:0abc:1::5'), '2001:db8:abc::/48');
    assert.equal(networkOf('2001:0db8:0abc:0001:0000:0000:0000:0005'), '2001:db8:abc::/48');
    assert.equal(networkOf('::1'), '0:0:0::/48');
  });

  test('browser and system families', () => {
    assert.equal(userAgentFamily(CHROME_MAC_126), 'Chrome on macOS');
    assert.equal(userAgentFamily(SAFARI_IPHONE), 'Safari on iOS');
    assert.equal(userAgentFamily(EDGE_WINDOWS), 'Edge on Windows');
    assert.equal(userAgentFamily('curl/8.5.0'), 'curl');
  });
});
