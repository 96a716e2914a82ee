import type { ControlMode, ControlName, RadarSettings } from './settings';
import type { Travel } from './travel';

/** The `control` values the SDK knows (WORKOS_API.md §20). */
export type WireControl =
  | 'bot_detection'
  | 'brute_force_attack'
  | 'domain_sign_up_rate_limit'
  | 'impossible_travel'
  | 'repeat_sign_up'
  | 'stale_account'
  | 'unrecognized_device'
  | 'restriction';

/** Each of our controls as the SDK names it; credential stuffing is a kind of brute-force attack. */
export const WIRE_CONTROL: Record<ControlName, WireControl> = {
  bot_detection: 'bot_detection',
  brute_force_attack: 'brute_force_attack',
  credential_stuffing: 'brute_force_attack',
  repeat_sign_up: 'repeat_sign_up',
  stale_account: 'stale_account',
  directory_inactive: 'restriction',
  unrecognized_device: 'unrecognized_device',
  impossible_travel: 'impossible_travel',
  unverified_domain: 'restriction',
};

export type AttemptAction = 'sign-in' | 'sign-up';

/** Everything the rules look at, gathered by the service (counts include this attempt). */
export interface Observations {
  action: AttemptAction;
  now: Date;
  isBotUserAgent: boolean;
  attemptsFromIpLastMinute: number;
  failuresForAccount: number;
  failuresFromIp: number;
  failuresFromSubnet: number;
  accountsFromIp: number;
  /** Distinct accounts from the IP's network (its ASN); 0 when the ASN is unknown. */
  accountsFromAsn: number;
  /** The IP's autonomous system, when known. */
  asn?: number;
  signUpsFromIp: number;
  disposableEmail: boolean;
  /** The account's last successful sign-in; undefined for an account radar has not seen succeed. */
  lastSuccessAt?: Date;
  /** The state of the account's newest Directory Sync user; undefined when no directory has it. */
  directoryState?: string;
  /** Whether the device is one the account signed in from; undefined without a fingerprint or known devices. */
  knownDevice?: boolean;
  /** From the account's last successful sign-in to here; undefined when either place is unknown. */
  travel?: Travel;
  /**
   * For a sign-in to an organization: whether the email's domain is one of its verified domains.
   * Undefined when the attempt names no organization.
   */
  organizationDomain?: { domain: string; verified: boolean };
}

export interface Finding {
  control: ControlName;
  reason: string;
}

const DAY_MS = 86_400_000;

/* Pure rules: each answers whether its control fires for these observations, and why. */
export const RULES: Record<ControlName, (o: Observations, s: RadarSettings) => string | undefined> = {
  bot_detection: (o, s) => {
    if (o.isBotUserAgent) return 'The user agent is a bot';
    const max = s.bot_detection.max_attempts_per_ip_per_minute;
    return o.attemptsFromIpLastMinute > max ? `More than ${max} attempts from this IP address in a minute` : undefined;
  },
  brute_force_attack: (o, s) => {
    if (o.action !== 'sign-in') return undefined;
    const c = s.brute_force_attack;
    if (o.failuresForAccount > c.max_failures_per_account) return `More than ${c.max_failures_per_account} failed sign-ins for this account`;
    if (o.failuresFromIp > c.max_failures_per_ip) return `More than ${c.max_failures_per_ip} failed sign-ins from this IP address`;
    if (o.failuresFromSubnet > c.max_failures_per_subnet) return `More than ${c.max_failures_per_subnet} failed sign-ins from this network`;
    return undefined;
  },
  credential_stuffing: (o, s) => {
    if (o.action !== 'sign-in') return undefined;
    const c = s.credential_stuffing;
    if (o.accountsFromIp > c.max_accounts_per_ip) return `Sign-ins to more than ${c.max_accounts_per_ip} accounts from this IP address`;
    if (o.asn !== undefined && o.accountsFromAsn > c.max_accounts_per_asn) return `Sign-ins to more than ${c.max_accounts_per_asn} accounts from this network (AS${o.asn})`;
    return undefined;
  },
  repeat_sign_up: (o, s) => {
    if (o.action !== 'sign-up') return undefined;
    if (s.repeat_sign_up.disposable_email_domains && o.disposableEmail) return 'The email address is from a disposable email domain';
    const max = s.repeat_sign_up.max_sign_ups_per_ip;
    return o.signUpsFromIp > max ? `More than ${max} sign-ups from this IP address` : undefined;
  },
  stale_account: (o, s) => {
    if (o.action !== 'sign-in' || !o.lastSuccessAt) return undefined;
    const days = s.stale_account.days;
    return o.now.getTime() - o.lastSuccessAt.getTime() > days * DAY_MS ? `No sign-in for more than ${days} days` : undefined;
  },
  directory_inactive: (o) => {
    if (o.action !== 'sign-in' || o.directoryState === undefined || o.directoryState === 'active') return undefined;
    return `The user is ${o.directoryState} in Directory Sync`;
  },
  unrecognized_device: (o) => (o.action === 'sign-in' && o.knownDevice === false ? 'The account never signed in from this device' : undefined),
  impossible_travel: (o, s) => {
    const t = o.travel;
    if (o.action !== 'sign-in' || !t || t.distanceKm < s.impossible_travel.min_distance_km) return undefined;
    // A trip at an instant (hours 0) is infinitely fast.
    if (t.hours > 0 && t.distanceKm / t.hours <= s.impossible_travel.max_speed_kmh) return undefined;
    return `${Math.round(t.distanceKm)} km from the last sign-in ${Math.round(t.hours * 60)} minutes before`;
  },
  unverified_domain: (o) => {
    const d = o.organizationDomain;
    if (o.action !== 'sign-in' || !d || d.verified) return undefined;
    return `The email domain ${d.domain} is not a verified domain of the organization`;
  },
};

export type Verdict = 'allow' | 'challenge' | 'block';

export interface Decision {
  verdict: Verdict;
  reason: string;
  control: WireControl | null;
  /** Every control that fired and was not off, with its mode (stored with the attempt). */
  findings: (Finding & { mode: Exclude<ControlMode, 'off'> })[];
}

const SEVERITY: Record<ControlMode, number> = { off: 0, log: 1, challenge: 2, block: 3 };
export const NO_RISK = 'No risk detected';

/**
 * Runs every control that is not off (or, given `only`, those of them). The verdict is the most
 * severe mode among the controls that fired (block > challenge > allow); `log` records a finding
 * and still allows.
 */
export function evaluateControls(o: Observations, s: RadarSettings, only: readonly ControlName[] = Object.keys(RULES) as ControlName[]): Decision {
  const findings: Decision['findings'] = [];
  for (const control of only) {
    const mode = s[control].mode;
    if (mode === 'off') continue;
    const reason = RULES[control](o, s);
    if (reason) findings.push({ control, reason, mode });
  }
  const worst = findings.reduce<Decision['findings'][number] | undefined>((w, f) => (!w || SEVERITY[f.mode] > SEVERITY[w.mode] ? f : w), undefined);
  if (!worst || worst.mode === 'log') return { verdict: 'allow', reason: NO_RISK, control: null, findings };
  return { verdict: worst.mode, reason: worst.reason, control: WIRE_CONTROL[worst.control], findings };
}
