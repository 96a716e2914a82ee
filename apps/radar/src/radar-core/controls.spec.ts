import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateControls, NO_RISK, type Observations } from './controls';
import { DEFAULT_RADAR_SETTINGS, mergeSettings, settingsFromStored, type RadarSettingsPatch } from './settings';

const NOW = new Date('2026-06-01T12:00:00Z');
const quiet: Observations = {
  action: 'sign-in',
  now: NOW,
  isBotUserAgent: false,
  attemptsFromIpLastMinute: 1,
  failuresForAccount: 1,
  failuresFromIp: 1,
  failuresFromSubnet: 1,
  accountsFromIp: 1,
  accountsFromAsn: 1,
  signUpsFromIp: 0,
  disposableEmail: false,
};
const settings = (patch: RadarSettingsPatch = {}) => mergeSettings(DEFAULT_RADAR_SETTINGS, patch);
const decide = (o: Partial<Observations>, patch?: RadarSettingsPatch) => evaluateControls({ ...quiet, ...o }, settings(patch));
const DAY = 86_400_000;

describe('evaluateControls', () => {
  test('quiet observations are allowed with no finding', () => {
    assert.deepEqual(decide({}), { verdict: 'allow', reason: NO_RISK, control: null, findings: [] });
  });

  test('bot_detection: a bot user agent, and attempts from one IP per minute above the threshold', () => {
    assert.equal(decide({ isBotUserAgent: true }).verdict, 'block');
    assert.equal(decide({ isBotUserAgent: true }).control, 'bot_detection');
    const limit = { bot_detection: { max_attempts_per_ip_per_minute: 5 } };
    assert.equal(decide({ attemptsFromIpLastMinute: 5 }, limit).verdict, 'allow');
    assert.equal(decide({ attemptsFromIpLastMinute: 6 }, limit).verdict, 'block');
  });

  test('brute_force_attack: failures per account, per IP and per network, each at and above its threshold', () => {
    const s = { brute_force_attack: { max_failures_per_account: 3, max_failures_per_ip: 10, max_failures_per_subnet: 20 } };
    assert.equal(decide({ failuresForAccount: 3 }, s).verdict, 'allow');
    assert.deepEqual([decide({ failuresForAccount: 4 }, s).verdict, decide({ failuresForAccount: 4 }, s).control], ['challenge', 'brute_force_attack']);
    assert.equal(decide({ failuresFromIp: 10 }, s).verdict, 'allow');
    assert.equal(decide({ failuresFromIp: 11 }, s).verdict, 'challenge');
    assert.equal(decide({ failuresFromSubnet: 20 }, s).verdict, 'allow');
    assert.match(decide({ failuresFromSubnet: 21 }, s).reason, /network/);
    // Sign-ups are not sign-in failures.
    assert.equal(decide({ action: 'sign-up', failuresForAccount: 99 }, s).verdict, 'allow');
  });

  test('credential_stuffing: distinct accounts from one IP, reported as brute_force_attack', () => {
    const s = { credential_stuffing: { max_accounts_per_ip: 4 } };
    assert.equal(decide({ accountsFromIp: 4 }, s).verdict, 'allow');
    const d = decide({ accountsFromIp: 5 }, s);
    assert.deepEqual([d.verdict, d.control, d.findings[0]?.control], ['block', 'brute_force_attack', 'credential_stuffing']);
  });

  test('credential_stuffing: distinct accounts from one network (ASN), only when the ASN is known', () => {
    const s = { credential_stuffing: { max_accounts_per_asn: 3 } };
    assert.equal(decide({ asn: 13335, accountsFromAsn: 3 }, s).verdict, 'allow');
    const d = decide({ asn: 13335, accountsFromAsn: 4 }, s);
    assert.deepEqual([d.verdict, d.control, d.reason], ['block', 'brute_force_attack', 'Sign-ins to more than 3 accounts from this network (AS13335)']);
    assert.equal(decide({ accountsFromAsn: 4 }, s).verdict, 'allow', 'no ASN, no network count');
    assert.equal(DEFAULT_RADAR_SETTINGS.credential_stuffing.max_accounts_per_asn, 200);
  });

  test('repeat_sign_up: disposable email domains (when enabled) and sign-ups per IP, on sign-ups only', () => {
    assert.equal(decide({ action: 'sign-up', disposableEmail: true }).control, 'repeat_sign_up');
    assert.equal(decide({ action: 'sign-up', disposableEmail: true }, { repeat_sign_up: { disposable_email_domains: false } }).verdict, 'allow');
    assert.equal(decide({ action: 'sign-in', disposableEmail: true }).verdict, 'allow');
    const s = { repeat_sign_up: { max_sign_ups_per_ip: 2 } };
    assert.equal(decide({ action: 'sign-up', signUpsFromIp: 2 }, s).verdict, 'allow');
    assert.equal(decide({ action: 'sign-up', signUpsFromIp: 3 }, s).verdict, 'challenge');
  });

  test('stale_account: no successful sign-in for more than N days; unknown accounts are not stale', () => {
    const s: RadarSettingsPatch = { stale_account: { mode: 'block', days: 30 } };
    assert.equal(decide({ lastSuccessAt: new Date(NOW.getTime() - 30 * DAY) }, s).verdict, 'allow');
    assert.equal(decide({ lastSuccessAt: new Date(NOW.getTime() - 30 * DAY - 1) }, s).verdict, 'block');
    assert.equal(decide({ lastSuccessAt: undefined }, s).verdict, 'allow');
  });

  test('directory_inactive: an account whose directory user is not active; no directory user, no finding', () => {
    assert.deepEqual([decide({ directoryState: 'inactive' }).verdict, decide({ directoryState: 'inactive' }).control], ['block', 'restriction']);
    assert.equal(decide({ directoryState: 'deleted' }).verdict, 'block');
    assert.equal(decide({ directoryState: 'active' }).verdict, 'allow');
    assert.equal(decide({}).verdict, 'allow');
    assert.equal(decide({ directoryState: 'suspended' }, { directory_inactive: { mode: 'log' } }).verdict, 'allow');
  });

  test('unrecognized_device: a fingerprint the account never succeeded from, logged by default', () => {
    const d = decide({ knownDevice: false });
    assert.deepEqual([d.verdict, d.findings[0]?.control], ['allow', 'unrecognized_device']);
    assert.deepEqual([decide({ knownDevice: false }, { unrecognized_device: { mode: 'challenge' } }).control], ['unrecognized_device']);
    assert.deepEqual(decide({ knownDevice: true }).findings, []);
    assert.deepEqual(decide({ knownDevice: undefined }).findings, []);
  });

  test('impossible_travel: a trip faster than max_speed_kmh over at least min_distance_km, at and above each threshold', () => {
    const s = { impossible_travel: { max_speed_kmh: 1000, min_distance_km: 500 } };
    // 1,000 km in one hour is exactly the limit; a minute less is too fast.
    assert.deepEqual(decide({ travel: { distanceKm: 1000, hours: 1 } }, s).findings, []);
    const fast = decide({ travel: { distanceKm: 1000, hours: 59 / 60 } }, s);
    assert.deepEqual([fast.verdict, fast.control, fast.reason], ['challenge', 'impossible_travel', '1000 km from the last sign-in 59 minutes before']);
    // Short hops are never flagged, however fast (two cities of one region, or GeoIP noise).
    assert.deepEqual(decide({ travel: { distanceKm: 499, hours: 0.01 } }, s).findings, []);
    assert.equal(decide({ travel: { distanceKm: 500, hours: 0.01 } }, s).control, 'impossible_travel');
    assert.equal(decide({ travel: { distanceKm: 10_000, hours: 0 } }, s).control, 'impossible_travel', 'an instant trip is infinitely fast');
    assert.deepEqual(decide({ travel: { distanceKm: 10_000, hours: 12 } }, s).findings, [], 'a long-haul flight');
    assert.deepEqual(decide({ travel: undefined }).findings, [], 'no known places, nothing to compare');
    assert.deepEqual(decide({ action: 'sign-up', travel: { distanceKm: 10_000, hours: 0 } }).findings, []);
    assert.equal(decide({ travel: { distanceKm: 10_000, hours: 0 } }, { impossible_travel: { mode: 'block' } }).verdict, 'block');
  });

  test('unverified_domain: off by default; a sign-in to an organization from a domain it has not verified, sign-ins only', () => {
    const unverified = { organizationDomain: { domain: 'gmail.com', verified: false } };
    assert.deepEqual(decide(unverified).findings, [], 'off by default');
    const on = { unverified_domain: { mode: 'challenge' as const } };
    const d = decide(unverified, on);
    assert.deepEqual([d.verdict, d.control, d.reason], ['challenge', 'restriction', 'The email domain gmail.com is not a verified domain of the organization']);
    assert.equal(decide({ organizationDomain: { domain: 'acme.com', verified: true } }, on).verdict, 'allow');
    assert.equal(decide({}, on).verdict, 'allow', 'no organization named, nothing to compare');
    assert.equal(decide({ ...unverified, action: 'sign-up' }, on).verdict, 'allow');
    const logged = decide(unverified, { unverified_domain: { mode: 'log' } });
    assert.deepEqual([logged.verdict, logged.findings.map((f) => f.control)], ['allow', ['unverified_domain']]);
  });

  test('only: the named controls run, the others do not even when they would fire', () => {
    const o = { ...quiet, isBotUserAgent: true, organizationDomain: { domain: 'gmail.com', verified: false } };
    const s = settings({ unverified_domain: { mode: 'block' } });
    assert.deepEqual(evaluateControls(o, s).findings.map((f) => f.control).sort(), ['bot_detection', 'unverified_domain']);
    const only = evaluateControls(o, s, ['unverified_domain']);
    assert.deepEqual([only.verdict, only.findings.map((f) => f.control)], ['block', ['unverified_domain']]);
    assert.equal(evaluateControls({ ...o, organizationDomain: { domain: 'acme.com', verified: true } }, s, ['unverified_domain']).verdict, 'allow');
  });

  test('modes: off skips a control, log records and allows, the most severe mode decides', () => {
    assert.deepEqual(decide({ isBotUserAgent: true }, { bot_detection: { mode: 'off' } }).findings, []);
    const logged = decide({ isBotUserAgent: true }, { bot_detection: { mode: 'log' } });
    assert.deepEqual([logged.verdict, logged.control, logged.findings.length], ['allow', null, 1]);
    const both = decide({ isBotUserAgent: true, failuresForAccount: 50 }, { bot_detection: { mode: 'challenge' }, brute_force_attack: { mode: 'block' } });
    assert.deepEqual([both.verdict, both.control, both.findings.length], ['block', 'brute_force_attack', 2]);
  });
});

describe('mergeSettings', () => {
  test('merges a control field by field and refuses an unknown mode', () => {
    const s = settings({ brute_force_attack: { max_failures_per_account: 2 } });
    assert.equal(s.brute_force_attack.max_failures_per_account, 2);
    assert.equal(s.brute_force_attack.mode, DEFAULT_RADAR_SETTINGS.brute_force_attack.mode);
    assert.throws(() => mergeSettings(DEFAULT_RADAR_SETTINGS, { bot_detection: { mode: 'maybe' as never } }));
  });

  test('attempt events are off by default, for stored settings that predate them too, and a patch turns them on', () => {
    assert.equal(DEFAULT_RADAR_SETTINGS.attempt_events, false);
    const { attempt_events: _a, ...older } = DEFAULT_RADAR_SETTINGS;
    assert.equal(settingsFromStored({ ...older, fail_policy: 'closed' }).attempt_events, false);
    assert.equal(settingsFromStored({ ...older, fail_policy: 'closed' }).fail_policy, 'closed');
    const on = settings({ attempt_events: true });
    assert.equal(on.attempt_events, true);
    assert.equal(mergeSettings(on, { fail_policy: 'closed' }).attempt_events, true, 'a patch without the field keeps it');
    assert.throws(() => mergeSettings(DEFAULT_RADAR_SETTINGS, { attempt_events: 'yes' as never }));
  });

  test('stored settings that predate a control take its default', () => {
    const { unverified_domain: _u, ...older } = DEFAULT_RADAR_SETTINGS;
    assert.deepEqual(settingsFromStored({ ...older, stale_account: { mode: 'block', days: 7 } }).unverified_domain, { mode: 'off' });
  });
});
