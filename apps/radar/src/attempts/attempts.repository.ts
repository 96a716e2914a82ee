import { Injectable } from '@nestjs/common';
import { appendToOutbox, callerOutboxHeaders, encodeOutboxMessage, GroupCommitQueue, outboxInsertCte, pgExecutor, pgTransaction, withOutboxNotify, type GroupCommitItem, type OutboxEncodedMessage, type OutboxMessage, type PageRequest } from '@wos/platform';
import type { Prisma, RadarAttempt } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';
import type { ListAttemptsQuery } from './attempts.dto';
import type { GeoPoint } from '../radar-core/travel';

/* One createAttempt's share of a group-committed statement: its row as JSON, its events and their trace context. */
interface AttemptInsert extends GroupCommitItem {
  row: string;
  events: OutboxEncodedMessage[];
  headers: Record<string, string>;
}

/* Attempts from one JSON array parameter ($1), in its order; the outbox rows follow ($2). */
const INSERT_ATTEMPTS_CTE = `attempt AS (
    INSERT INTO radar_attempts (id, environment_id, ip_address, user_agent, email, user_id, auth_method, action, verdict, reason, control, blocklist_type, findings, attempt_status, challenge_status, created_at, updated_at, country, device_hash, latitude, longitude, organization_id, related_attempt_id)
    SELECT x.id, x.environment_id, x.ip_address, x.user_agent, x.email, x.user_id, x.auth_method, x.action, x.verdict, x.reason, x.control, x.blocklist_type, x.findings, x.attempt_status, x.challenge_status, x.created_at, x.updated_at, x.country, x.device_hash, x.latitude, x.longitude, x.organization_id, x.related_attempt_id
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, environment_id text, ip_address text, user_agent text, email text, user_id text, auth_method text, action text, verdict text, reason text, control text, blocklist_type text, findings jsonb, attempt_status text, challenge_status text, created_at timestamptz, updated_at timestamptz, country text, device_hash text, latitude float8, longitude float8, organization_id text, related_attempt_id text)
    RETURNING 1)`;

/*
 * Per statement: at most this many rows (attempts and events) and bytes of JSON. Two statements
 * may be in flight (they may commit in either order): every event of an attempt is keyed by the
 * attempt and written in its statement, so no order between statements is needed.
 */
const CREATE_LIMITS = { maxRows: 500, maxBytes: 4 * 1024 * 1024, maxInFlight: 2 };

/** One sign-in's history lookup: the account (environment and email) and the attempt's device. */
interface HistoryLookup extends GroupCommitItem {
  environmentId: string;
  email: string;
  deviceHash: string | null;
}

/** What an account's past says to the controls (undefined: nothing known). */
export interface AccountHistory {
  lastSuccessAt?: Date;
  lastSuccessPoint?: GeoPoint;
  directoryState?: string;
  knownDevice?: boolean;
}

/* History lookups per shared statement; two in flight. */
const HISTORY_LIMITS = { maxRows: 64, maxBytes: Number.MAX_SAFE_INTEGER, maxInFlight: 2 };

/*
 * The account histories of $1 environments, $2 emails and $3 device hashes (one triple per
 * lookup, numbered from 1 by ORDINALITY): one row per lookup. Each part is a LATERAL subquery,
 * the account's with LIMIT 1, so every table is probed by its index per lookup; a join of the
 * arrays with a table may be planned as a scan of the whole table.
 */
export const ACCOUNT_HISTORIES_SQL = `SELECT k.i::int AS i, a.last_success_at, a.last_success_latitude AS lat, a.last_success_longitude AS lon,
    (SELECT state FROM radar_directory_users WHERE environment_id = k.environment_id AND email = k.email ORDER BY updated_at DESC LIMIT 1) AS directory_state,
    d.devices, d.known
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(environment_id, email, device_hash, i)
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS devices, bool_or(device_hash = k.device_hash) AS known FROM radar_known_devices WHERE environment_id = k.environment_id AND email = k.email
  ) d
  LEFT JOIN LATERAL (
    SELECT last_success_at, last_success_latitude, last_success_longitude FROM radar_accounts WHERE environment_id = k.environment_id AND email = k.email LIMIT 1
  ) a ON true`;

/** The only Prisma caller for attempts and account history. Every method takes the environment first. */
@Injectable()
export class AttemptsRepository {
  private readonly creates = new GroupCommitQueue<AttemptInsert>((batch) => this.insertAttempts(batch), CREATE_LIMITS);
  private readonly histories = new GroupCommitQueue<HistoryLookup, AccountHistory>((batch) => this.accountHistories(batch), HISTORY_LIMITS);

  constructor(private readonly prisma: PrismaService) {}

  /**
   * The attempt and its events in ONE statement (DESIGN.md rule 2), atomic as any statement is
   * (Postgres runs every data-modifying CTE to completion). Attempts created while a statement is
   * in flight share the next one (GroupCommitQueue): one round trip, one commit and one NOTIFY
   * for many sign-ins. Resolves once this attempt committed.
   */
  create(a: RadarAttempt, events: OutboxMessage[]): Promise<void> {
    const row = JSON.stringify({
      id: a.id, environment_id: a.environmentId, ip_address: a.ipAddress, user_agent: a.userAgent, email: a.email, user_id: a.userId, auth_method: a.authMethod,
      action: a.action, verdict: a.verdict, reason: a.reason, control: a.control, blocklist_type: a.blocklistType, findings: a.findings,
      attempt_status: a.attemptStatus, challenge_status: a.challengeStatus, created_at: a.createdAt, updated_at: a.updatedAt, country: a.country,
      device_hash: a.deviceHash, latitude: a.latitude, longitude: a.longitude, organization_id: a.organizationId, related_attempt_id: a.relatedAttemptId,
    });
    const encoded = events.map(encodeOutboxMessage);
    const bytes = Buffer.byteLength(row) + encoded.reduce((n, e) => n + Buffer.byteLength(e.json), 0);
    return this.creates.submit({ row, events: encoded, headers: callerOutboxHeaders(), rows: 1 + encoded.length, bytes });
  }

  /* Nest: a statement in flight finishes before the pool under it ends. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.creates.idle(), this.histories.idle()]);
  }

  private async insertAttempts(batch: AttemptInsert[]): Promise<void> {
    const events = batch.flatMap((b) => b.events);
    const outbox = outboxInsertCte(events, 2, batch.flatMap((b) => b.events.map(() => b.headers)));
    // Named: parsed and planned once per connection (the text is the same for any number of rows).
    await this.prisma.pool.query({ name: 'radar_attempts_create_v2', text: withOutboxNotify(`${INSERT_ATTEMPTS_CTE}, ${outbox.cte}`), values: [`[${batch.map((b) => b.row).join(',')}]`, ...outbox.values] });
  }

  findById(environmentId: string, id: string): Promise<RadarAttempt | null> {
    return this.prisma.radarAttempt.findFirst({ where: { environmentId, id } });
  }

  /**
   * Records an outcome. A succeeded sign-in also becomes its account's last successful sign-in
   * (stale-account control), teaches radar its device, and succeeds the earlier attempt it
   * continued. Every write is one statement (data-modifying CTEs, so the attempt's row lock
   * orders concurrent outcomes), and its events follow in the same transaction: two statements
   * on one connection instead of an interactive transaction of nine round trips.
   * Invariant: `radar.known_device.created` is written once per (account, device), by the one
   * statement whose INSERT created the row, so a repeated or concurrent success adds none.
   */
  async recordOutcome(
    environmentId: string,
    id: string,
    outcome: { attemptStatus?: string; challengeStatus?: string },
    /* `updated`: null when the environment does not publish attempt events (settings.attempt_events). */
    events: { updated: ((a: RadarAttempt) => OutboxMessage) | null; newDevice: (a: RadarAttempt, firstForAccount: boolean) => OutboxMessage },
  ): Promise<RadarAttempt | null> {
    const signInSucceeded = outcome.attemptStatus === 'success';
    const challengePassed = outcome.challengeStatus === 'success';
    return pgTransaction(this.prisma.pool, async (client) => {
      const { rows } = await client.query<OutcomeRow>({
        name: 'radar_record_outcome_v1',
        text: RECORD_OUTCOME_SQL,
        values: [environmentId, id, outcome.attemptStatus ?? null, outcome.challengeStatus ?? null, new Date(), signInSucceeded, challengePassed],
      });
      const row = rows[0];
      if (!row?.target) return null;
      const updated = attemptFromJson(row.target);
      const out: OutboxMessage[] = events.updated ? [events.updated(updated)] : [];
      if (row.device_inserted) out.push(events.newDevice(updated, row.other_devices === 0));
      // The attempt this one continued shares its outcome: its sign-in succeeded, its challenge was passed.
      if (row.related && events.updated) out.push(events.updated(attemptFromJson(row.related)));
      await appendToOutbox(pgExecutor(client), out);
      return updated;
    });
  }

  /** Whether `domain` is a verified domain of the organization (organizations' events, projected). */
  async domainVerified(environmentId: string, organizationId: string, domain: string): Promise<boolean> {
    const { rows } = await this.prisma.pool.query<{ verified: boolean }>({
      name: 'radar_organization_domain_verified',
      text: `SELECT EXISTS (SELECT 1 FROM radar_organization_domains WHERE environment_id = $1 AND organization_id = $2 AND domain = $3 AND state = 'verified') AS verified`,
      values: [environmentId, organizationId, domain],
    });
    return rows[0]?.verified === true;
  }

  /**
   * What the account-level controls need: the last successful sign-in (radar_accounts), the
   * account's known devices, and the state of the newest Directory Sync user with this email
   * (radar_directory_users, written by the directory-users module's consumer). Lookups that
   * arrive while one is in flight share the next statement (GroupCommitQueue): under load, one
   * round trip for many sign-ins.
   */
  accountHistory(environmentId: string, email: string, deviceHash: string | null): Promise<AccountHistory> {
    return this.histories.submit({ environmentId, email, deviceHash, rows: 1, bytes: email.length });
  }

  /* One history per lookup, in order (ACCOUNT_HISTORIES_SQL answers one row per lookup). */
  private async accountHistories(batch: HistoryLookup[]): Promise<AccountHistory[]> {
    const { rows } = await this.prisma.pool.query<{ i: number; last_success_at: Date | null; lat: number | null; lon: number | null; directory_state: string | null; devices: number; known: boolean | null }>({
      name: 'radar_account_histories',
      text: ACCOUNT_HISTORIES_SQL,
      values: [batch.map((k) => k.environmentId), batch.map((k) => k.email), batch.map((k) => k.deviceHash)],
    });
    const histories: AccountHistory[] = batch.map(() => ({}));
    for (const r of rows) {
      // An account with no known device yet, or an attempt without a fingerprint, has nothing to compare.
      const knownDevice = batch[r.i - 1]!.deviceHash && r.devices ? r.known === true : undefined;
      const lastSuccessPoint = r.lat != null && r.lon != null ? { latitude: r.lat, longitude: r.lon } : undefined;
      histories[r.i - 1] = { lastSuccessAt: r.last_success_at ?? undefined, lastSuccessPoint, directoryState: r.directory_state ?? undefined, knownDevice };
    }
    return histories;
  }

  /** Counts per time bucket, deciding control (`none` when none) and verdict, oldest first. */
  async stats(environmentId: string, interval: 'hour' | 'day', since: Date, until: Date): Promise<{ bucket: Date; control: string; verdict: string; count: number }[]> {
    const { rows } = await this.prisma.pool.query<{ bucket: Date; control: string; verdict: string; count: string }>(
      `SELECT date_trunc($2, created_at) AS bucket, COALESCE(control, 'none') AS control, verdict, count(*) AS count
       FROM radar_attempts WHERE environment_id = $1 AND created_at >= $3 AND created_at < $4
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [environmentId, interval, since, until],
    );
    return rows.map((r) => ({ bucket: r.bucket, control: r.control, verdict: r.verdict, count: Number(r.count) }));
  }

  list(environmentId: string, filter: Omit<ListAttemptsQuery, 'limit' | 'before' | 'after' | 'order'>, page: PageRequest): Promise<RadarAttempt[]> {
    const where: Prisma.RadarAttemptWhereInput = { environmentId };
    if (filter.verdict) where.verdict = filter.verdict;
    if (filter.control) where.control = filter.control;
    if (filter.email) where.email = filter.email.trim().toLowerCase();
    if (filter.ip_address) where.ipAddress = filter.ip_address;
    if (filter.action) where.action = filter.action;
    if (filter.country) where.country = filter.country.toUpperCase();
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.radarAttempt.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }
}

/* recordOutcome's one statement. $1 environment, $2 attempt, $3/$4 the statuses given (null: kept),
 * $5 now, $6 the sign-in succeeded, $7 the challenge was passed. Postgres runs every
 * data-modifying CTE (`account` too, unreferenced), and every part reads the snapshot from before
 * the statement: `other_devices` counts the account's other devices as they were. Both attempts
 * are found by the primary key: the environment is compared with IS NOT DISTINCT FROM (the same
 * as = for these NOT NULL columns), which no index serves, so the plan (made once per connection,
 * perhaps on a table never analyzed) cannot read every attempt of the environment through an
 * index led by environment_id, as it did (test/hot-statement-plans.spec.ts). */
export const RECORD_OUTCOME_SQL = `WITH target AS (
    UPDATE radar_attempts SET attempt_status = COALESCE($3, attempt_status), challenge_status = COALESCE($4, challenge_status), updated_at = $5
    WHERE id = $2 AND environment_id IS NOT DISTINCT FROM $1
    RETURNING *),
  account AS (
    INSERT INTO radar_accounts (environment_id, email, last_success_at, last_success_ip, last_success_latitude, last_success_longitude)
    SELECT environment_id, email, updated_at, ip_address, latitude, longitude FROM target WHERE $6 AND action = 'sign-in'
    ON CONFLICT (environment_id, email) DO UPDATE SET last_success_at = EXCLUDED.last_success_at, last_success_ip = EXCLUDED.last_success_ip,
      last_success_latitude = EXCLUDED.last_success_latitude, last_success_longitude = EXCLUDED.last_success_longitude),
  device AS (
    INSERT INTO radar_known_devices (environment_id, email, device_hash, last_seen_at)
    SELECT environment_id, email, device_hash, updated_at FROM target WHERE $6 AND action = 'sign-in' AND device_hash IS NOT NULL
    ON CONFLICT (environment_id, email, device_hash) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
    RETURNING (xmax = 0) AS inserted),
  related AS (
    UPDATE radar_attempts r SET
      attempt_status = CASE WHEN $6 AND r.attempt_status IS NULL THEN 'success' ELSE r.attempt_status END,
      challenge_status = CASE WHEN $7 AND r.verdict = 'challenge' AND r.challenge_status IS NULL THEN 'success' ELSE r.challenge_status END,
      updated_at = t.updated_at
    FROM target t
    WHERE r.id = t.related_attempt_id AND r.environment_id IS NOT DISTINCT FROM t.environment_id
      AND (($6 AND r.attempt_status IS NULL) OR ($7 AND r.verdict = 'challenge' AND r.challenge_status IS NULL))
    RETURNING r.*)
  SELECT (SELECT to_jsonb(t) FROM target t) AS target,
    (SELECT inserted FROM device) AS device_inserted,
    (SELECT count(*)::int FROM radar_known_devices d, target t WHERE d.environment_id = t.environment_id AND d.email = t.email AND d.device_hash <> t.device_hash) AS other_devices,
    (SELECT to_jsonb(r) FROM related r) AS related`;

interface OutcomeRow {
  target: Record<string, unknown> | null;
  device_inserted: boolean | null;
  other_devices: number;
  related: Record<string, unknown> | null;
}

/** A radar_attempts row as `to_jsonb` renders it (column names, timestamps as text), as Prisma's model. */
function attemptFromJson(r: Record<string, unknown>): RadarAttempt {
  const s = (k: string) => r[k] as string;
  const n = (k: string) => (r[k] ?? null) as string | null;
  const f = (k: string) => (r[k] ?? null) as number | null;
  return {
    id: s('id'),
    environmentId: s('environment_id'),
    ipAddress: s('ip_address'),
    userAgent: s('user_agent'),
    email: s('email'),
    userId: n('user_id'),
    country: n('country'),
    latitude: f('latitude'),
    longitude: f('longitude'),
    deviceHash: n('device_hash'),
    organizationId: n('organization_id'),
    relatedAttemptId: n('related_attempt_id'),
    authMethod: s('auth_method'),
    action: s('action'),
    verdict: s('verdict'),
    reason: s('reason'),
    control: n('control'),
    blocklistType: n('blocklist_type'),
    findings: r.findings as RadarAttempt['findings'],
    attemptStatus: n('attempt_status'),
    challengeStatus: n('challenge_status'),
    createdAt: new Date(s('created_at')),
    updatedAt: new Date(s('updated_at')),
  };
}
