import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isbot } from 'isbot';
import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';
import { Counter } from 'prom-client';
import { hasIdShape, type ListEnvelope, type RadarAttemptWire } from '@wos/contracts';
import { newId, NotFoundError, paginate, registry, toListEnvelope, ValidationError } from '@wos/platform';
import type { RadarAttempt } from '../generated/prisma/client';
import { ListsService } from '../lists/lists.service';
import { evaluateControls, type Decision } from '../radar-core/controls';
import { travelBetween } from '../radar-core/travel';
import type { RadarSettings } from '../radar-core/settings';
import { SettingsService } from '../settings/settings.service';
import { toAttemptWire, toVerdictWire, type AttemptStatsQuery, type AttemptVerdictWire, type CreateAttemptInput, type ListAttemptsQuery, type UpdateAttemptInput } from './attempts.dto';
import { attemptEvent, knownDeviceEvent, riskDetectedEvent } from './attempts.events';
import { AttemptsRepository } from './attempts.repository';
import { RiskWindowsRepository } from './risk-windows.repository';
import { AsnRepository } from './asn.repository';
import { GeoIpRepository } from './geoip.repository';

/* The package rebuilds its 8,885-entry set on every call of its own helpers: build it once. */
const DISPOSABLE_DOMAINS = disposableEmailBlocklistSet();
const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);
const isDisposableEmail = (email: string) => DISPOSABLE_DOMAINS.has(domainOf(email));

/** How long an attempt may be continued by a later one (`radar_auth_attempt_id`): a magic code's or a sign-up's sign-in. */
const RELATED_ATTEMPT_MAX_AGE_MS = 15 * 60_000;

/** Prometheus: assessments by the control that decided them (`none`, `allow_list`, a control) and verdict. */
const verdicts = new Counter({ name: 'radar_attempts_total', help: 'Radar assessments by deciding control and verdict', labelNames: ['control', 'verdict'], registers: [registry] });
/** Prometheus: every control that fired, by control and mode (log findings included). */
const findingsTotal = new Counter({ name: 'radar_control_findings_total', help: 'Radar controls that fired, by control and mode', labelNames: ['control', 'mode'], registers: [registry] });

/**
 * createAttempt: lists first (a deny entry blocks outright, an allow entry skips the controls),
 * then every control on the Redis windows and the account's history. The attempt, its verdict
 * and its events (authentication.radar_risk_detected when anything fired, and
 * radar.attempt.created where the environment's `attempt_events` is on) commit in one statement.
 */
@Injectable()
export class AttemptsService {
  constructor(
    private readonly repo: AttemptsRepository,
    private readonly windows: RiskWindowsRepository,
    private readonly lists: ListsService,
    private readonly settings: SettingsService,
    private readonly geo: GeoIpRepository,
    private readonly asns: AsnRepository,
  ) {}

  async create(environmentId: string, input: CreateAttemptInput, opts: { includeFailPolicy?: boolean; failuresReported?: boolean } = {}): Promise<AttemptVerdictWire & { fail_policy?: string }> {
    const id = newId('radar_att');
    const email = input.email.toLowerCase();
    const ipAddress = input.ip_address ?? '';
    const userAgent = input.user_agent ?? '';
    const { country, point } = this.geo.locate(ipAddress, input.country?.toUpperCase());
    // Only the fingerprint's hash is kept (environment-bound, so equal fingerprints differ across environments).
    const deviceHash = input.device_fingerprint ? createHash('sha256').update(`${environmentId}\u0000${input.device_fingerprint}`).digest('base64url') : null;
    const now = new Date();
    const [lists, settings, related] = await Promise.all([
      this.lists.compiled(environmentId),
      this.settings.get(environmentId),
      input.radar_auth_attempt_id ? this.relatedAttempt(environmentId, input.radar_auth_attempt_id, email, now) : null,
    ]);
    const listed = lists.match({
      ipAddress,
      email,
      userAgent,
      country,
      device: input.device,
      deviceFingerprint: input.device_fingerprint,
    });
    let decision: StoredDecision;
    if (listed?.action === 'block') {
      decision = { verdict: 'block', reason: `The ${listed.type} is on the block list`, control: 'restriction', findings: [], blocklistType: listed.type, decidedBy: 'block_list' };
    } else if (listed?.action === 'allow') {
      decision = { verdict: 'allow', reason: `The ${listed.type} is on the allow list`, control: null, findings: [], blocklistType: null, decidedBy: 'allow_list' };
    } else if (related && relatedStillStands(related)) {
      // The attempt this one continues was refused or is still challenged: its verdict holds.
      decision = { verdict: related.verdict as Decision['verdict'], reason: related.reason, control: related.control as Decision['control'], findings: [], blocklistType: related.blocklistType, decidedBy: related.control ?? 'none' };
    } else {
      const asn = this.asns.asnOf(ipAddress);
      const history = input.action === 'sign-in' && (['stale_account', 'directory_inactive', 'unrecognized_device', 'impossible_travel'] as const).some((c) => settings[c].mode !== 'off');
      const orgId = input.action === 'sign-in' && settings.unverified_domain.mode !== 'off' ? input.organization_id : undefined;
      const [counts, { lastSuccessAt, lastSuccessPoint, directoryState, knownDevice }, domainVerified] = await Promise.all([
        this.windows.record({ environmentId, attemptId: id, ipAddress, email, action: input.action, asn, countsAsFailure: !opts.failuresReported }, settings),
        history ? this.repo.accountHistory(environmentId, email, deviceHash) : { lastSuccessAt: undefined, lastSuccessPoint: undefined, directoryState: undefined, knownDevice: undefined },
        orgId ? this.repo.domainVerified(environmentId, orgId, domainOf(email)) : undefined,
      ]);
      const organizationDomain = domainVerified === undefined ? undefined : { domain: domainOf(email), verified: domainVerified };
      const travel = lastSuccessAt && lastSuccessPoint && point ? travelBetween({ ...lastSuccessPoint, at: lastSuccessAt }, { ...point, at: now }) : undefined;
      const d = evaluateControls(
        { ...counts, asn, action: input.action, now, isBotUserAgent: userAgent.trim() !== '' && isbot(userAgent), disposableEmail: isDisposableEmail(email), lastSuccessAt, directoryState, knownDevice, travel, organizationDomain },
        settings,
      );
      decision = { ...d, blocklistType: null, decidedBy: d.control ?? 'none' };
    }
    const attempt: Omit<RadarAttempt, DecisionFields> = {
      id,
      environmentId,
      ipAddress,
      userAgent,
      email,
      userId: input.user_id ?? null,
      country: country ?? null,
      latitude: point?.latitude ?? null,
      longitude: point?.longitude ?? null,
      deviceHash,
      organizationId: input.organization_id ?? null,
      relatedAttemptId: related?.id ?? null,
      authMethod: input.auth_method,
      action: input.action,
    };
    const stored = await this.store(attempt, decision, settings, now);
    return { ...toVerdictWire(stored), ...(opts.includeFailPolicy ? { fail_policy: settings.fail_policy } : {}) };
  }

  /**
   * Stores an attempt with its decision, and its events in the same statement
   * (authentication.radar_risk_detected when anything fired; radar.attempt.created where the
   * environment's `attempt_events` is on), then counts it in the metrics.
   */
  private async store(attempt: Omit<RadarAttempt, DecisionFields>, decision: StoredDecision, settings: RadarSettings, now: Date): Promise<RadarAttempt> {
    const row: RadarAttempt = {
      ...attempt,
      verdict: decision.verdict,
      reason: decision.reason,
      control: decision.control,
      blocklistType: decision.blocklistType,
      findings: decision.findings as unknown as RadarAttempt['findings'],
      attemptStatus: null,
      challengeStatus: null,
      createdAt: now,
      updatedAt: now,
    };
    const wire = toAttemptWire(row);
    const risky = decision.control !== null || decision.findings.length > 0;
    await this.repo.create(row, [...(settings.attempt_events ? [attemptEvent('created', wire, row.environmentId)] : []), ...(risky ? [riskDetectedEvent(wire, row.environmentId)] : [])]);
    verdicts.inc({ control: decision.decidedBy, verdict: decision.verdict });
    for (const f of decision.findings) findingsTotal.inc({ control: f.control, mode: f.mode });
    return row;
  }

  /**
   * A sign-in continues into the organization its user picked (identity asks after organization
   * selection; a user with one organization had it named in the sign-in's own attempt). Only
   * unverified_domain runs, for that organization: the sign-in's attempt decided the rest, and
   * nothing is counted again in any window. A refused or still-challenged sign-in stays refused.
   * The decision is stored as an attempt related to the sign-in's (listed, with its event when
   * the control fired); with the control off nothing is stored and the sign-in's own verdict holds.
   */
  async continueIntoOrganization(environmentId: string, attemptId: string, organizationId: string): Promise<AttemptVerdictWire & { fail_policy: string }> {
    const now = new Date();
    const [signIn, settings] = await Promise.all([hasIdShape(attemptId, 'radar_att') ? this.repo.findById(environmentId, attemptId) : null, this.settings.get(environmentId)]);
    // No age limit: identity holds the ID in the sign-in's pending steps, which expire themselves.
    if (!signIn || signIn.action !== 'sign-in') throw new NotFoundError('a Radar sign-in attempt', attemptId);
    if (!hasIdShape(organizationId, 'org')) throw new NotFoundError('an organization', organizationId);
    const withPolicy = (a: RadarAttempt) => ({ ...toVerdictWire(a), fail_policy: settings.fail_policy });
    if (relatedStillStands(signIn) || settings.unverified_domain.mode === 'off') return withPolicy(signIn);
    const domain = domainOf(signIn.email);
    const verified = await this.repo.domainVerified(environmentId, organizationId, domain);
    const observed = { ...NOTHING_COUNTED, action: 'sign-in' as const, now, organizationDomain: { domain, verified } };
    const d = evaluateControls(observed, settings, ['unverified_domain']);
    const decision = { ...d, blocklistType: null, decidedBy: d.control ? 'unverified_domain' : 'none' };
    return withPolicy(await this.store({ ...signIn, id: newId('radar_att'), organizationId, relatedAttemptId: signIn.id }, decision, settings, now));
  }

  /** updateAttempt: a success leaves the failure windows and becomes the account's last sign-in. */
  async update(environmentId: string, id: string, input: UpdateAttemptInput): Promise<RadarAttemptWire> {
    const outcome = { attemptStatus: input.attempt_status, challengeStatus: input.challenge_status };
    const { attempt_events } = await this.settings.get(environmentId);
    const updated = hasIdShape(id, 'radar_att')
      ? await this.repo.recordOutcome(environmentId, id, outcome, {
          updated: attempt_events ? (a) => attemptEvent('updated', toAttemptWire(a), environmentId) : null,
          newDevice: (a, first) => knownDeviceEvent(a, first, environmentId),
        })
      : null;
    if (!updated) throw new NotFoundError('a Radar attempt', id);
    if (input.attempt_status === 'success') await this.windows.recordSuccess(environmentId, updated.id, updated.ipAddress, updated.email);
    return toAttemptWire(updated);
  }

  /**
   * The earlier attempt a sign-in continues: of this environment and this email, at most 15
   * minutes old. Anything else is the caller's mistake (422), never silently ignored.
   */
  private async relatedAttempt(environmentId: string, id: string, email: string, now: Date): Promise<RadarAttempt> {
    const found = hasIdShape(id, 'radar_att') ? await this.repo.findById(environmentId, id) : null;
    if (!found || found.email !== email || now.getTime() - found.createdAt.getTime() > RELATED_ATTEMPT_MAX_AGE_MS) {
      throw new ValidationError([{ field: 'radar_auth_attempt_id', code: 'invalid_radar_auth_attempt', message: 'radar_auth_attempt_id must name a recent Radar attempt of the same email.' }]);
    }
    return found;
  }

  async get(environmentId: string, id: string): Promise<RadarAttemptWire> {
    const found = hasIdShape(id, 'radar_att') ? await this.repo.findById(environmentId, id) : null;
    if (!found) throw new NotFoundError('a Radar attempt', id);
    return toAttemptWire(found);
  }

  /** GET /radar/stats: the range defaults to the last 24 hours (hour) or 30 days (day), at most 31 days. */
  async stats(environmentId: string, q: AttemptStatsQuery) {
    const until = q.until ?? new Date();
    const since = q.since ?? new Date(until.getTime() - (q.interval === 'day' ? 30 : 1) * 86_400_000);
    if (!(since < until) || until.getTime() - since.getTime() > 31 * 86_400_000) {
      throw new ValidationError([{ field: 'since', code: 'invalid_time_range', message: 'since must be before until, at most 31 days apart.' }]);
    }
    const rows = await this.repo.stats(environmentId, q.interval, since, until);
    return { object: 'radar_stats', interval: q.interval, since: since.toISOString(), until: until.toISOString(), data: rows.map((r) => ({ ...r, bucket: r.bucket.toISOString() })) };
  }

  async list(environmentId: string, query: ListAttemptsQuery): Promise<ListEnvelope<RadarAttemptWire>> {
    const { limit: _l, before: _b, after: _a, order: _o, ...filter } = query;
    return toListEnvelope(await paginate(query, (page) => this.repo.list(environmentId, filter, page)), toAttemptWire);
  }
}

/* What a decision sets on a stored attempt, and the decision with where it came from (metrics). */
type DecisionFields = 'verdict' | 'reason' | 'control' | 'blocklistType' | 'findings' | 'attemptStatus' | 'challengeStatus' | 'createdAt' | 'updatedAt';
type StoredDecision = Decision & { blocklistType: string | null; decidedBy: string };

/* Observations of an attempt that counts nothing: a continuation evaluates only what it names. */
const NOTHING_COUNTED = {
  isBotUserAgent: false,
  attemptsFromIpLastMinute: 0,
  failuresForAccount: 0,
  failuresFromIp: 0,
  failuresFromSubnet: 0,
  accountsFromIp: 0,
  accountsFromAsn: 0,
  signUpsFromIp: 0,
  disposableEmail: false,
};

/** A blocked attempt, or a challenged one whose challenge was not passed, decides its continuations. */
function relatedStillStands(a: RadarAttempt): boolean {
  return a.verdict === 'block' || (a.verdict === 'challenge' && a.challengeStatus !== 'success');
}
