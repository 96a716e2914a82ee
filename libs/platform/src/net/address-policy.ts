import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/*
 * Addresses an outbound request to a customer-configured URL (webhook endpoints, IdP metadata,
 * discovery and token URLs) may never reach unless configuration allows them: loopback, private,
 * link-local, shared (CGNAT), unspecified, multicast and reserved ranges, for IPv4 and IPv6.
 * Invariant: the check runs on the resolved addresses, both when an endpoint is saved and when
 * each attempt connects (the HTTP client's lookup goes through `resolveSafely`), so DNS that
 * changes after registration (rebinding) cannot reach an internal address either.
 */
/** Loopback, which development and test stacks allow through ALLOW_LOOPBACK_URLS=true only. */
export const LOOPBACK_CIDRS: readonly string[] = ['127.0.0.0/8', '::1/128'];

const BLOCKED_V4 = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const;
/*
 * IPv6 forms that reach IPv4 or internal space: ::/96 (unspecified, loopback and the deprecated
 * IPv4-compatible ::a.b.c.d), ::ffff:0:0:0/96 (SIIT ::ffff:0:a.b.c.d), NAT64 64:ff9b::/96 and its
 * local-use 64:ff9b:1::/48, 6to4 2002::/16, site-local fec0::/10, discard-only 100::/64, besides
 * unique-local, link-local, multicast and documentation. (IPv4-mapped ::ffff:a.b.c.d is judged as
 * the IPv4 address it carries, below.)
 */
const BLOCKED_V6 = [
  ['::', 96], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16], ['fec0::', 10], ['100::', 64],
  ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32],
] as const;

export class UnsafeAddressError extends Error {
  override name = 'UnsafeAddressError';
}

export class AddressPolicy {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();

  /** `setting` names the configuration variable in error messages. */
  constructor(allowedCidrs: readonly string[], private readonly setting = 'allowed CIDRs') {
    for (const [a, p] of BLOCKED_V4) this.blocked.addSubnet(a, p, 'ipv4');
    for (const [a, p] of BLOCKED_V6) this.blocked.addSubnet(a, p, 'ipv6');
    for (const cidr of allowedCidrs) {
      const [addr, prefix] = cidr.split('/');
      const family = isIP(addr ?? '');
      if (!family) throw new Error(`${this.setting}: "${cidr}" is not an address or CIDR`);
      const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
      this.allowed.addSubnet(addr!, bits, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  isAllowed(address: string): boolean {
    const family = isIP(address);
    if (!family) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, type)) return true;
    // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return this.isAllowed(mapped[1]!);
    return !this.blocked.check(address, type);
  }

  /** Every address `host` resolves to, or an error naming the first one that is not allowed. */
  async resolveSafely(host: string): Promise<{ address: string; family: number }[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    const addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true, verbatim: true });
    if (!addresses.length) throw new UnsafeAddressError(`${host} does not resolve`);
    for (const a of addresses) {
      if (!this.isAllowed(a.address)) throw new UnsafeAddressError(`${host} resolves to ${a.address}, which is a loopback, private or reserved address`);
    }
    return addresses;
  }

  /**
   * A `lookup` for `net.connect` / undici's `connect` option: every connection resolves through
   * the policy, so DNS that changes after a URL was checked (rebinding) is caught too. A URL whose
   * host is an IP literal never calls `lookup`: check it with `resolveSafely` first.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolveSafely(hostname).then(
      (addrs) => {
        if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof addrs) => void)(null, addrs);
        else callback(null, addrs[0]!.address, addrs[0]!.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}
