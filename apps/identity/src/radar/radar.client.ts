import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalFetch, ValidationError, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';

export interface RadarAssessment {
  verdict: 'allow' | 'challenge' | 'block';
  reason: string;
  attempt_id: string;
  control?: string;
  blocklist_type?: string;
  fail_policy?: 'open' | 'closed';
}

export type RadarOutcome = { ok: true; assessment: RadarAssessment } | { ok: false; policy: 'open' | 'closed'; error: string };

/** Environments whose fail policy is remembered; past it the map starts over (config default meanwhile). */
const MAX_REMEMBERED = 10_000;

/**
 * Radar's createAttempt and updateAttempt over the signed internal API. Invariant: an assessment
 * never takes longer than RADAR_TIMEOUT_MS; a timeout, a network error or a non-2xx answer is an
 * outcome (`ok: false`) carrying the environment's fail policy, never an exception. The one
 * exception: radar refusing the caller's own `radar_auth_attempt_id` is the caller's 422.
 */
@Injectable()
export class RadarClient {
  private readonly policies = new Map<string, 'open' | 'closed'>();
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: RadarClient.name });
  }

  get enabled(): boolean {
    return !!this.config.RADAR_URL;
  }

  /**
   * createAttempt. `failuresReported`: the attempt is made before its credential is checked, and
   * a failure reaches radar by identity's `authentication.*_failed` event, so radar must not also
   * count the attempt itself as a failure (radar's `failures=reported`).
   */
  async assess(environmentId: string, body: Record<string, unknown>, opts: { failuresReported?: boolean } = {}): Promise<RadarOutcome> {
    return this.outcome(environmentId, async () => {
      const res = await this.call(environmentId, 'POST', `/radar/attempts?include=fail_policy${opts.failuresReported ? '&failures=reported' : ''}`, body);
      if (res.status === 422) await refusedAttemptId(res);
      return res;
    });
  }

  /* A verdict call's answer as an outcome: anything but a 2xx verdict carries the fail policy. */
  private async outcome(environmentId: string, send: () => Promise<Response>): Promise<RadarOutcome> {
    try {
      const res = await send();
      if (!res.ok) throw new Error(`radar answered ${res.status}`);
      const assessment = (await res.json()) as RadarAssessment;
      if (assessment.fail_policy) this.remember(environmentId, assessment.fail_policy);
      return { ok: true, assessment };
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      const error = (err as Error).name === 'TimeoutError' ? `no answer within ${this.config.RADAR_TIMEOUT_MS} ms` : (err as Error).message;
      return { ok: false, policy: this.policies.get(environmentId) ?? this.config.RADAR_FAIL_POLICY, error };
    }
  }

  /**
   * The sign-in of `attemptId` continues into `organizationId` (picked at organization
   * selection): radar's internal continuation route, with createAttempt's answer and the same
   * invariant (never an exception, never longer than RADAR_TIMEOUT_MS).
   */
  async continueIntoOrganization(environmentId: string, attemptId: string, organizationId: string): Promise<RadarOutcome> {
    return this.outcome(environmentId, () => this.call(environmentId, 'POST', `/internal/radar/attempts/${encodeURIComponent(attemptId)}/organization`, { organization_id: organizationId }));
  }

  /** updateAttempt; best effort: a lost outcome only weakens radar's history, so it is logged, not raised. */
  async reportSuccess(environmentId: string, attemptId: string, field: 'attempt_status' | 'challenge_status'): Promise<void> {
    try {
      const res = await this.call(environmentId, 'PUT', `/radar/attempts/${encodeURIComponent(attemptId)}`, { [field]: 'success' });
      if (!res.ok) throw new Error(`radar answered ${res.status}`);
    } catch (err) {
      this.log.warn({ environment_id: environmentId, attempt_id: attemptId, err: (err as Error).message }, 'could not report a sign-in outcome to radar');
    }
  }

  private call(environmentId: string, method: string, path: string, body: unknown): Promise<Response> {
    return internalFetch(
      `${this.config.RADAR_URL}${path}`,
      { key: internalAuthKeyFor(this.config, 'radar'), audience: 'radar', environmentId },
      { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(this.config.RADAR_TIMEOUT_MS) },
    );
  }

  private remember(environmentId: string, policy: 'open' | 'closed'): void {
    if (this.policies.size >= MAX_REMEMBERED && !this.policies.has(environmentId)) this.policies.clear();
    this.policies.set(environmentId, policy);
  }
}

/** Throws the caller's 422 when radar refused the `radar_auth_attempt_id` it was given; returns otherwise. */
async function refusedAttemptId(res: Response): Promise<void> {
  const body = (await res.clone().json().catch(() => null)) as { errors?: { field?: string; code?: string; message?: string }[] } | null;
  const refused = body?.errors?.find((e) => e.field === 'radar_auth_attempt_id');
  if (refused) throw new ValidationError([{ field: 'radar_auth_attempt_id', code: refused.code ?? 'invalid', message: refused.message ?? 'radar_auth_attempt_id is invalid.' }]);
}
