import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/** Who sent a request, as the gateway decides it and tells the services. */
export interface ClientOrigin {
  /** The client's address: what X-Forwarded-For carries to the services, alone. */
  ip: string;
  proto: 'http' | 'https';
  host: string | undefined;
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack socket reports) as plain IPv4. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** One X-Forwarded-For entry as an address: strips spaces, brackets and a port; undefined if it is none. */
function entryAddress(entry: string): string | undefined {
  let s = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  s = normalise(s);
  return isIP(s) ? s : undefined;
}

/** The reverse proxies in front of the gateway (TRUSTED_PROXY_CIDRS). */
export class TrustedProxies {
  private constructor(
    private readonly list: BlockList,
    readonly empty: boolean,
  ) {}

  /** `10.0.0.0/8, 2001:db8::/32, 192.0.2.7`; throws on an entry that is not a CIDR or an address. */
  static parse(value: string): TrustedProxies {
    const list = new BlockList();
    const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
    for (const entry of entries) {
      const [address = '', bits, extra] = entry.split('/');
      const family = isIP(address);
      const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
      if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32) || (bits !== undefined && !/^\d+$/.test(bits))) {
        throw new Error(`"${entry}" is not a CIDR (such as 10.0.0.0/8) or an IP address`);
      }
      list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
    }
    return new TrustedProxies(list, entries.length === 0);
  }

  has(address: string): boolean {
    if (this.empty) return false;
    const a = normalise(address);
    const family = isIP(a);
    return family !== 0 && this.list.check(a, family === 6 ? 'ipv6' : 'ipv4');
  }

  /**
   * The client of a request that reached the gateway from `peer`. Invariant: forwarding headers
   * are believed only when the peer is a trusted proxy, and then only up to the right-most entry
   * that no trusted proxy added, so a client cannot choose its own address by sending
   * X-Forwarded-For. Without trusted proxies the socket peer is the client and the gateway's own
   * scheme and Host header describe the request.
   */
  origin(peer: string, headers: Record<string, string | string[] | undefined>, encrypted: boolean): ClientOrigin {
    const socketIp = normalise(peer);
    const ownProto = encrypted ? 'https' : 'http';
    const host = single(headers.host);
    if (!this.has(socketIp)) return { ip: socketIp, proto: ownProto, host };
    let ip = socketIp;
    const chain = list(headers['x-forwarded-for']);
    for (let i = chain.length - 1; i >= 0; i--) {
      const address = entryAddress(chain[i]!);
      // An entry a trusted proxy could not have written: keep the last address we can vouch for.
      if (!address) break;
      ip = address;
      if (!this.has(address)) break;
    }
    const proto = list(headers['x-forwarded-proto']).at(-1)?.trim().toLowerCase();
    const forwardedHost = list(headers['x-forwarded-host']).at(-1)?.trim();
    return { ip, proto: proto === 'https' || proto === 'http' ? proto : ownProto, host: forwardedHost || host };
  }
}

/** A header's comma-separated values, across repeated headers, in order. */
function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value).split(',').filter((s) => s.trim() !== '');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export const trustedProxiesSchema = z.string().transform((value, ctx) => {
  try {
    return TrustedProxies.parse(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
