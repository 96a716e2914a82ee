import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

/*
 * What radar is told about the device of a sign-in (`device_fingerprint`, of which radar keeps only
 * a hash per environment):
 *   1. a device identifier: the hosted pages' device cookie (random, HttpOnly, 400 days), or the
 *      caller's `device_id` (WorkOS's field on every grant): `id:<value>`;
 *   2. for API sign-ins without one, a fingerprint of what the SDK does send, the user agent's
 *      family (browser and OS, no versions, so an update is not a new device) and the IP's
 *      network (IPv4 /24, IPv6 /48): `fp:<sha256>`. Identity has no ASN table (radar does), so a
 *      network is a prefix: a user whose carrier moves them across /24s is a new device there,
 *      which the caller avoids by sending `device_id`.
 * Nothing at all (no user agent or IP): radar has no device to compare.
 */
export function deviceFingerprint(d: { deviceId?: string | null; userAgent?: string | null; ipAddress?: string | null }): string | undefined {
  if (d.deviceId) return `id:${d.deviceId}`;
  const network = d.ipAddress ? networkOf(d.ipAddress) : undefined;
  if (!d.userAgent || !network) return undefined;
  return `fp:${createHash('sha256').update(`${userAgentFamily(d.userAgent)}\n${network}`).digest('base64url')}`;
}

/** IPv4 /24 or IPv6 /48, canonical; undefined for anything that is not an address. */
export function networkOf(ip: string): string | undefined {
  const v = isIP(ip);
  if (v === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (v !== 6) return undefined;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 3).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/48`;
}

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** "Chrome on macOS": the browser and system families, never versions; else the first product token. */
export function userAgentFamily(ua: string): string {
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? (/^[^\s/]+/.exec(ua.trim())?.[0] ?? 'unknown').slice(0, 64);
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  return system ? `${browser} on ${system}` : browser;
}
