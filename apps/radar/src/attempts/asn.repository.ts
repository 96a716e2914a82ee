import { createReadStream } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { createInterface } from 'node:readline';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';

/** Sorted, non-overlapping ranges: `starts[i]..ends[i]` belongs to `asns[i]`. */
interface RangeTable<T extends Uint32Array | BigUint64Array> {
  starts: T;
  ends: T;
  asns: Uint32Array;
}

const EMPTY_V4: RangeTable<Uint32Array> = { starts: new Uint32Array(0), ends: new Uint32Array(0), asns: new Uint32Array(0) };
const EMPTY_V6: RangeTable<BigUint64Array> = { starts: new BigUint64Array(0), ends: new BigUint64Array(0), asns: new Uint32Array(0) };

/**
 * IP address → autonomous system number, for credential stuffing counted per network operator
 * (one botnet's addresses are many, its ASNs few). The data is @ip-location-db/asn's CSVs
 * (RouteViews and DB-IP's IP to ASN Lite, CC BY 4.0: attribution in docs/ARCHITECTURE.md), read
 * once at boot into typed arrays (about 410,000 IPv4 and 100,000 IPv6 ranges, some 8 MB) and
 * searched by bisection. IPv6 is indexed by the top 64 bits: registries allocate /64 or larger,
 * so a finer range is folded into its /64 (the first ASN wins). Unknown and private addresses
 * have none. `RADAR_ASN_CSV_DIR=off` turns it off.
 */
@Injectable()
export class AsnRepository implements OnModuleInit {
  private v4 = EMPTY_V4;
  private v6 = EMPTY_V6;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const dir = this.config.RADAR_ASN_CSV_DIR;
    if (dir === 'off') return;
    const base = dir ?? require.resolve('@ip-location-db/asn/package.json').replace(/package\.json$/, '');
    [this.v4, this.v6] = await Promise.all([loadV4(`${base}/asn-ipv4-num.csv`), loadV6(`${base}/asn-ipv6-num.csv`)]);
  }

  /** The ASN announcing this address, or undefined. */
  asnOf(ip: string): number | undefined {
    if (isIPv4(ip)) return find(this.v4, ipv4ToInt(ip));
    if (isIPv6(ip)) {
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
      return mapped ? find(this.v4, ipv4ToInt(mapped[1]!)) : find(this.v6, ipv6High64(ip));
    }
    return undefined;
  }
}

function find<T extends Uint32Array | BigUint64Array>(t: RangeTable<T>, x: T extends Uint32Array ? number : bigint): number | undefined {
  let lo = 0;
  let hi = t.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (t.starts[mid]! > x) hi = mid - 1;
    else if (t.ends[mid]! < x) lo = mid + 1;
    else return t.asns[mid] || undefined;
  }
  return undefined;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** The top 64 bits of an IPv6 address (`::` expanded). */
export function ipv6High64(ip: string): bigint {
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.slice(0, 4).reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/* Each line: start,end,asn,"organization" (numbers in decimal); only the first three fields are read. */
async function* rows(file: string): AsyncGenerator<[string, string, number]> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (a < 0 || b < 0) continue;
    const asn = Number(line.slice(b + 1, c < 0 ? undefined : c));
    if (Number.isInteger(asn) && asn > 0) yield [line.slice(0, a), line.slice(a + 1, b), asn];
  }
}

async function loadV4(file: string): Promise<RangeTable<Uint32Array>> {
  const s: number[] = [];
  const e: number[] = [];
  const n: number[] = [];
  for await (const [start, end, asn] of rows(file)) s.push(Number(start)), e.push(Number(end)), n.push(asn);
  return sorted({ starts: Uint32Array.from(s), ends: Uint32Array.from(e), asns: Uint32Array.from(n) });
}

async function loadV6(file: string): Promise<RangeTable<BigUint64Array>> {
  const s: bigint[] = [];
  const e: bigint[] = [];
  const n: number[] = [];
  for await (const [start, end, asn] of rows(file)) {
    const hs = BigInt(start) >> 64n;
    const he = BigInt(end) >> 64n;
    if (s.length && hs <= e[e.length - 1]!) continue; // folded into the previous /64 range
    s.push(hs), e.push(he), n.push(asn);
  }
  return sorted({ starts: BigUint64Array.from(s), ends: BigUint64Array.from(e), asns: Uint32Array.from(n) });
}

/** The files are sorted by start; a table that is not is refused rather than searched wrongly. */
function sorted<T extends Uint32Array | BigUint64Array>(t: RangeTable<T>): RangeTable<T> {
  for (let i = 1; i < t.starts.length; i++) if (t.starts[i]! < t.starts[i - 1]!) throw new Error('the ASN ranges are not sorted by their start');
  return t;
}
