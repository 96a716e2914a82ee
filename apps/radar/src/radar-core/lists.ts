import { BlockList, isIP } from 'node:net';

/** The SDK's list types (`radar.addListEntry({ type })`, WORKOS_API.md §20). */
export const LIST_TYPES = ['ip_address', 'domain', 'email', 'device', 'user_agent', 'device_fingerprint', 'country'] as const;
export type ListType = (typeof LIST_TYPES)[number];
export const LIST_ACTIONS = ['block', 'allow'] as const;
export type ListAction = (typeof LIST_ACTIONS)[number];

export interface ListEntry {
  type: ListType;
  action: ListAction;
  /** Normalised by normaliseListEntry. */
  entry: string;
}

/** What a sign-in attempt offers to the lists. Absent signals match nothing. */
export interface ListSignals {
  ipAddress: string;
  email: string;
  userAgent: string;
  country?: string;
  device?: string;
  deviceFingerprint?: string;
}

export type Normalised = { ok: true; entry: string } | { ok: false; message: string };

/**
 * The stored form of an entry: IPs and CIDRs canonical (`10.0.0.7/24` → `10.0.0.0/24`), emails,
 * domains and countries lower/upper-cased, user agents trimmed. Two spellings of one entry are
 * one row, so removing either removes it.
 */
export function normaliseListEntry(type: ListType, raw: string): Normalised {
  const value = raw.trim();
  if (!value) return { ok: false, message: 'Entry must be a non-empty string.' };
  switch (type) {
    case 'ip_address': {
      const cidr = parseCidr(value);
      return cidr ? { ok: true, entry: cidr } : { ok: false, message: 'Entry must be an IP address or a CIDR range.' };
    }
    case 'email':
      return /^[^\s@]+@[^\s@]+$/.test(value) ? { ok: true, entry: value.toLowerCase() } : { ok: false, message: 'Entry must be an email address.' };
    case 'domain':
      return /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$/i.test(value)
        ? { ok: true, entry: value.toLowerCase().replace(/^@/, '') }
        : { ok: false, message: 'Entry must be a domain name.' };
    case 'country':
      return /^[a-z]{2}$/i.test(value) ? { ok: true, entry: value.toUpperCase() } : { ok: false, message: 'Entry must be an ISO 3166-1 alpha-2 country code.' };
    default:
      return { ok: true, entry: value };
  }
}

/** `a.b.c.d` or `a.b.c.d/n` (or IPv6) to its canonical network form; undefined when malformed. */
export function parseCidr(value: string): string | undefined {
  const [addr, bitsText, ...rest] = value.split('/');
  if (rest.length || !addr) return undefined;
  const family = isIP(addr);
  if (!family) return undefined;
  const max = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) return undefined;
  if (bits === max) return family === 4 ? addr : addr.toLowerCase();
  if (family === 6) return `${addr.toLowerCase()}/${bits}`;
  const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const network = bits === 0 ? 0 : n - (n % 2 ** (32 - bits));
  return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.')}/${bits}`;
}

export interface ListMatch {
  action: ListAction;
  type: ListType;
  entry: string;
}

/**
 * An environment's lists compiled for matching. Invariant: a deny match wins over an allow match
 * (a deny entry blocks outright); an allow match only exempts the attempt from the controls.
 */
export class CompiledLists {
  private readonly exact = new Map<string, ListAction[]>();
  private readonly ranges: Record<ListAction, { v4: BlockList; any: boolean }>;

  constructor(entries: readonly ListEntry[]) {
    this.ranges = { block: { v4: new BlockList(), any: false }, allow: { v4: new BlockList(), any: false } };
    for (const e of entries) {
      if (e.type === 'ip_address' && e.entry.includes('/')) {
        const [net, bits] = e.entry.split('/');
        this.ranges[e.action].v4.addSubnet(net!, Number(bits), isIP(net!) === 6 ? 'ipv6' : 'ipv4');
        this.ranges[e.action].any = true;
        continue;
      }
      const key = `${e.type}\u0000${e.entry}`;
      this.exact.set(key, [...(this.exact.get(key) ?? []), e.action]);
    }
  }

  match(s: ListSignals): ListMatch | undefined {
    const found: ListMatch[] = [];
    const lookup = (type: ListType, value: string | undefined) => {
      if (!value) return;
      for (const action of this.exact.get(`${type}\u0000${value}`) ?? []) found.push({ action, type, entry: value });
    };
    const ip = parseCidr(s.ipAddress);
    lookup('ip_address', ip);
    if (ip) {
      const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
      for (const action of LIST_ACTIONS) {
        if (this.ranges[action].any && this.ranges[action].v4.check(ip, family)) found.push({ action, type: 'ip_address', entry: ip });
      }
    }
    const email = s.email.trim().toLowerCase();
    lookup('email', email || undefined);
    lookup('domain', email.includes('@') ? email.slice(email.lastIndexOf('@') + 1) : undefined);
    lookup('user_agent', s.userAgent.trim() || undefined);
    lookup('country', s.country?.toUpperCase());
    lookup('device', s.device);
    lookup('device_fingerprint', s.deviceFingerprint);
    return found.find((m) => m.action === 'block') ?? found[0];
  }
}
