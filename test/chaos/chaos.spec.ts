import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { WorkOS } from '@workos-inc/node';
import { APP_CATALOGUE, type AppName } from '@wos/platform/stack';
import { slotPort, testSlot, uniqueSuffix, waitFor } from '@wos/platform/testing';
import { CHAOS_PORT_OFFSET, ROOT, startE2e, type E2e } from '../support/e2e-stack';
import { KafkaBroker } from '../support/kafka-broker';
import { PostgresCluster } from '../support/postgres-cluster';
import { ScimClient } from '../support/scim-client';
import { WebhookReceiver } from '../support/webhook-receiver';
import { CLOCK_SKEW_MS, FULL, SHORT, faultCatalogue, type FaultContext } from './faults';
import { WORKLOAD_EVENTS, ackedWritesReadable, allEventsStored, eventsExactlyOnceInOrder, listAllEvents, no5xxOutsideWindows, resentAfterKill, resentBetween, webhooksExactlyOnce } from './invariants';
import { renderTable, type Row } from './report';
import { HttpLog, Workload } from './workload';

/*
 * The chaos suite (docs/reliability.md): a mixed workload through the gateway with the official
 * SDK, one fault at a time, and after each the invariants. CHAOS_SHORT=1 (the test command)
 * holds each fault a few seconds; otherwise the durations.
 */
const SHORT_MODE = process.env.CHAOS_SHORT === '1';
const durations = SHORT_MODE ? SHORT : FULL;
/** From the fault lifted to a full probe (every kind of write acked, its events in /events and at the receiver). */
const RECOVERY_BOUND_S = 120;
/** Writes the workload makes before each fault and after its recovery (so each round has traffic both sides). */
const OPS_AROUND_FAULT = SHORT_MODE ? 2 : 10;
/** Every app of the platform (APP_CATALOGUE) besides the gateway, which the stack always runs; each is killed in turn. */
const APPS: AppName[] = APP_CATALOGUE.map((a) => a.name).filter((n) => n !== 'api-gateway');
const NAME = 'chaos';
const WEBHOOK_PATH = '/chaos';
/*
 * Identity asks radar about every sign-in. The workload signs in to a new account every other
 * step from loopback, which radar's default credential-stuffing and bot controls would refuse
 * after a few dozen; here they only record (mode "log"), so every verdict is still computed.
 */
const RADAR_RECORD_ONLY = {
  bot_detection: { mode: 'log' },
  brute_force_attack: { mode: 'log' },
  credential_stuffing: { mode: 'log' },
  repeat_sign_up: { mode: 'log' },
  directory_inactive: { mode: 'log' },
  impossible_travel: { mode: 'log' },
};

describe(`chaos suite (${SHORT_MODE ? 'short' : 'full'} mode)`, { timeout: SHORT_MODE ? 1_200_000 : 3_600_000 }, () => {
  // A broker of the suite's own (stopping it is one of the faults), on ports of its offset.
  const broker = new KafkaBroker(slotPort(CHAOS_PORT_OFFSET + 5092), slotPort(CHAOS_PORT_OFFSET + 5093), `kafka-chaos-${uniqueSuffix()}`);
  // Likewise a Postgres cluster of its own (restarting it is one), named per slot so a rerun drops an interrupted run's.
  const postgres = new PostgresCluster(slotPort(CHAOS_PORT_OFFSET + 5434), `wos-chaos-s${testSlot}`);
  const receiver = new WebhookReceiver();
  const receiverDown = { value: false };
  const log = new HttpLog();
  const rows: Row[] = [];
  const windows: { start: number; end: number }[] = [];
  /** Events the dispatcher may have delivered twice: it was killed between their 2xx and its record (resentAfterKill). */
  const resent = new Set<string>();
  /** Fault windows in which the dispatcher could not record a receiver's answer (Postgres down). */
  const unrecordable: { start: number; end: number }[] = [];
  let e: E2e;
  let sdk: WorkOS;
  let workload: Workload;
  const probes: Workload[] = [];
  let secret = '';
  let ctx: FaultContext;
  let scim: ScimClient;
  let directoryOrganizationId = '';

  /** Stops everything this suite started (its apps, Redis server, broker and Postgres cluster), by PID or pg_dropcluster. */
  const cleanUp = async () => {
    await e?.stop();
    await broker.destroy();
    await postgres.drop();
    await receiver.stop();
  };

  /** audit-logs' database, on a connection of its own per check (the Postgres fault cuts every session). */
  async function withAuditDb<T>(use: (db: Client) => Promise<T>): Promise<T> {
    const db = new Client({ connectionString: e.stack.databaseUrl('audit-logs') });
    db.on('error', () => undefined);
    await db.connect();
    try {
      return await use(db);
    } finally {
      await db.end().catch(() => undefined);
    }
  }

  before(async () => {
    // An interrupted run (Ctrl-C, a CI timeout) still stops what it started.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
    await receiver.start();
    receiver.on(WEBHOOK_PATH, () => ({ status: receiverDown.value ? 500 : 200 }));
    await Promise.all([broker.start(), postgres.create()]);
    e = await startE2e({
      name: NAME,
      portOffset: CHAOS_PORT_OFFSET,
      apps: APPS,
      kafkaBrokers: broker.brokers,
      postgresUrl: postgres.url,
      readyTimeoutMs: 240_000,
      appEnv: {
        // After each fault the suite reads back every write acknowledged so far, through the
        // gateway with one API key: thousands of reads a minute, more on a faster machine, which
        // the production budgets refuse with 429. Rate limiting has its own tests (organizations.sdk.spec, the gateway unit tests).
        'api-gateway': { RATE_LIMIT_DEFAULT: '1000000/60', RATE_LIMIT_RULES: '[]' },
        'webhook-dispatcher': {
          WEBHOOK_ALLOW_HTTP: 'true',
          WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
          // Retries within seconds, so "delivered after recovery" is measured in seconds, not the production schedule's hours.
          WEBHOOK_RETRY_SCHEDULE: '1s,2s,3s,5s,10s,15s,20s,30s,30s,30s,30s',
          WEBHOOK_RECONCILE_INTERVAL: '5s',
          WEBHOOK_RECONCILE_GRACE: '5s',
        },
      },
    });
    sdk = e.client(undefined, { fetchFn: log.fetchFn(10_000) });
    await sdk.put('/radar/settings', RADAR_RECORD_ONLY);
    const endpoint = await sdk.webhooks.createWebhookEndpoint({ endpointUrl: receiver.url(WEBHOOK_PATH), events: WORKLOAD_EVENTS as never });
    secret = endpoint.secret;
    const dirOrg = await sdk.organizations.createOrganization({ name: 'chaos directory' });
    directoryOrganizationId = dirOrg.id;
    const dir = await e.http('POST', '/directories', { key: true, body: { organization_id: dirOrg.id, name: 'Okta', type: 'okta scim v2.0' } });
    assert.equal(dir.status, 201, JSON.stringify(dir.json));
    const d = dir.json as { base_url: string; bearer_token: string };
    scim = new ScimClient(d.base_url, d.bearer_token);
    workload = new Workload({ workos: sdk, baseUrl: e.baseUrl, clientId: e.creds.client_id, scim, directoryOrganizationId, log }, 'chaos');
    ctx = { e, broker, postgres, receiverDown };
  });

  after(async () => {
    await workload?.stop();
    const table = renderTable(rows, RECOVERY_BOUND_S);
    const dir = join(ROOT, '.tools', 'test-logs', NAME);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `report-${SHORT_MODE ? 'short' : 'full'}.md`), `${new Date().toISOString()} (${SHORT_MODE ? 'short' : 'full'} mode)\n\n${table}\n`);
    console.log(`\n${table}\n`);
    await cleanUp();
  });

  /** Waits until the workload has attempted `n` more operations. */
  const moreOps = (n: number) => {
    const target = workload.operations + n;
    return waitFor(() => workload.operations >= target, { timeoutMs: 120_000, intervalMs: 100, message: `${n} workload operations` });
  };

  /** Every acked write's event stored, and every stored event delivered with a 2xx (or the bound passes). */
  async function settled(writes: () => ReturnType<Workload['acked']>, timeoutMs: number): Promise<boolean> {
    return waitFor(
      async () => {
        const events = await listAllEvents(sdk, WORKLOAD_EVENTS);
        if (!allEventsStored(events, writes())) return false;
        const delivered = new Set(receiver.on2xx(WEBHOOK_PATH).map((d) => d.eventId));
        return events.every((ev) => delivered.has(ev.id));
      },
      { timeoutMs, intervalMs: 250, message: 'events stored and delivered' },
    ).catch(() => false);
  }

  for (const fault of faultCatalogue(['api-gateway', ...APPS], durations)) {
    test(fault.name, async () => {
      const row: Row = { fault: fault.name, recoverySeconds: NaN, failedRequestsInWindow: 0, verdicts: {} };
      rows.push(row);
      const roundStart = Date.now();
      workload.start();
      await moreOps(OPS_AROUND_FAULT);
      const start = Date.now();
      await fault.inject(ctx);
      const lifted = Date.now();
      // Recovery: a probe makes one write of every kind until all are acked, then waits for their events and webhooks.
      const probe = new Workload({ workos: sdk, baseUrl: e.baseUrl, clientId: e.creds.client_id, scim, directoryOrganizationId, log }, `probe-${rows.length}`);
      probes.push(probe);
      const recovered = await waitFor(() => probe.probe(), { timeoutMs: RECOVERY_BOUND_S * 1000, intervalMs: 250, message: 'a probe write of every kind acked' })
        .then(() => settled(() => probe.acked(), Math.max(1000, lifted + RECOVERY_BOUND_S * 1000 - Date.now())))
        .catch(() => false);
      const end = Date.now();
      row.recoverySeconds = (end - lifted) / 1000;
      windows.push({ start, end });
      row.failedRequestsInWindow = log.failures(start).filter((r) => r.at <= end).length;
      await moreOps(OPS_AROUND_FAULT);
      await workload.stop();

      const sequences = [workload.writes, ...probes.map((p) => p.writes)];
      const allWrites = () => sequences.flat().filter((w) => w.acked);
      await settled(allWrites, RECOVERY_BOUND_S * 1000);
      const events = await listAllEvents(sdk, WORKLOAD_EVENTS);
      row.verdicts['acked writes readable'] = await withAuditDb((db) => ackedWritesReadable(sdk, db, e.creds.environment_id, sequences.flat().filter((w) => w.at >= roundStart)));
      row.verdicts['events once, in order'] = eventsExactlyOnceInOrder(events, sequences);
      if (fault.name === 'kill -9 webhook-dispatcher') for (const id of resentAfterKill(receiver.on2xx(WEBHOOK_PATH), start)) resent.add(id);
      // Postgres down: an answer that came in the outage could not be recorded within the claim's
      // lease, so that delivery may be sent once more, in this round or a later one.
      if (fault.name.startsWith('Postgres')) unrecordable.push({ start, end: lifted });
      for (const w of unrecordable) for (const id of resentBetween(receiver.on2xx(WEBHOOK_PATH), w.start, w.end)) resent.add(id);
      row.verdicts['webhooks once'] = await webhooksExactlyOnce(sdk, events, receiver, WEBHOOK_PATH, secret, resent);
      row.verdicts['no 5xx outside window'] = no5xxOutsideWindows(log.records, windows, roundStart);
      row.verdicts.recovery = { pass: recovered && row.recoverySeconds <= RECOVERY_BOUND_S, detail: recovered ? '' : 'the probe never completed' };
      if (fault.name.includes('clock')) {
        // Proves the skew was real: the skewed dispatcher signed deliveries about +90 s ahead.
        const ahead = receiver.on2xx(WEBHOOK_PATH).filter((d) => d.at >= start && d.at <= lifted).map((d) => Number(/t=(\d+)/.exec(d.signature)?.[1]) - d.at);
        assert.ok(ahead.some((ms) => ms > CLOCK_SKEW_MS - 10_000), `no delivery signed with the skewed clock (${ahead.slice(0, 3).join(', ')})`);
      }
      console.log(renderTable([row], RECOVERY_BOUND_S).split('\n').at(-1));
      const failed = Object.entries(row.verdicts).filter(([, v]) => !v.pass);
      assert.deepEqual(failed.map(([k, v]) => `${k}: ${v.detail}`), []);
    });
  }
});
