import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, EventName, Organization, WorkOS } from '@workos-inc/node';
import { slotPort, uniqueSuffix } from '@wos/platform/testing';
import { startE2e, duplicates, listAllEvents, organizationOf, typesByOrganization, waitForEvents, type E2e } from '../support/e2e-stack';
import { KafkaBroker } from '../support/kafka-broker';

const TYPES: EventName[] = ['organization.created', 'organization.updated', 'organization.deleted'];

/**
 * At create number `at`: start `run` in the background, wait for what runs, or `check` the
 * organizations created so far (inline).
 */
type Step = { at: number; run: () => Promise<unknown> } | { at: number; wait: true } | { at: number; check: (orgs: Organization[]) => Promise<void> };

/**
 * Creates `total` organizations one after another, updating and deleting a few, while the
 * steps start and await faults. Awaiting a step before more creates makes the fault certain
 * to overlap them whatever the timing. Returns each organization's expected event types.
 */
async function churn(workos: WorkOS, label: string, total: number, steps: Step[]): Promise<Map<string, string[]>> {
  const expected = new Map<string, string[]>();
  const orgs: Organization[] = [];
  let running: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < total; i++) {
    for (const step of steps.filter((s) => s.at === i)) {
      if ('wait' in step) await running;
      else if ('check' in step) await step.check(orgs);
      else {
        running = running.then(step.run);
        running.catch(() => undefined); // surfaced by the next wait, not as an unhandled rejection
      }
    }
    const org = await workos.organizations.createOrganization({ name: `${label} ${i}` });
    orgs.push(org);
    expected.set(org.id, ['organization.created']);
    if (i % 7 === 3) {
      for (const v of [1, 2]) {
        const target = orgs[i - 2]!;
        await workos.organizations.updateOrganization({ organization: target.id, name: `${label} ${i - 2} v${v}` });
        expected.get(target.id)!.push('organization.updated');
      }
    }
    if (i % 10 === 6) {
      const target = orgs[i - 3]!;
      await workos.organizations.deleteOrganization(target.id);
      expected.get(target.id)!.push('organization.deleted');
    }
  }
  await running;
  return expected;
}

/** Exactly once per call, and each organization's events in call order (DESIGN.md rule 4). */
function assertDelivered(events: Event[], expected: Map<string, string[]>): void {
  assert.deepEqual(duplicates(events.map((ev) => ev.id)), [], 'an event ID was stored twice');
  const got = typesByOrganization(events);
  for (const [org, types] of expected) assert.deepEqual(got.get(org), types, `events of ${org}`);
  const created = events.filter((ev) => ev.event === 'organization.created' && expected.has(organizationOf(ev)));
  assert.equal(created.length, expected.size);
  for (const [org] of expected) {
    const names = events.filter((ev) => organizationOf(ev) === org && ev.event === 'organization.updated').map((ev) => (ev.data as Organization).name);
    assert.deepEqual(names, [...names].sort(), `updates of ${org} out of order`);
  }
}

/** The organizations among `orgs` that have any stored event. */
async function storedOrgs(workos: WorkOS, orgs: Organization[]): Promise<string[]> {
  const ids = new Set(orgs.map((o) => o.id));
  return [...new Set((await listAllEvents(workos, TYPES)).map(organizationOf).filter((id) => ids.has(id)))];
}

function allArrived(expected: Map<string, string[]>) {
  return (events: Event[]) => {
    const got = typesByOrganization(events);
    return [...expected].every(([org, types]) => (got.get(org)?.length ?? 0) >= types.length);
  };
}

describe('faults: Kafka and the events service going away', () => {
  const broker = new KafkaBroker(slotPort(19092), slotPort(19093), `kafka-fault-${uniqueSuffix()}`);
  let e: E2e;
  const delivered = new Map<string, string[]>();

  before(async () => {
    await broker.start();
    e = await startE2e({ name: 'faults', portOffset: 13000, kafkaBrokers: broker.brokers, readyTimeoutMs: 180_000 });
  });
  after(async () => {
    await e?.stop();
    await broker.destroy();
  });

  test('the API keeps answering while Kafka is down; every event arrives once, in order per organization', async () => {
    // Creates 20..39 overlap the broker stopping, 40..44 certainly find it stopped (only the
    // outbox holds their events), 45..59 overlap its restart.
    const expected = await churn(e.workos, 'kafka-down', 60, [
      { at: 20, run: () => broker.stop() },
      { at: 40, wait: true },
      // Proves the fault was real: nothing written since the stop has reached /events.
      { at: 45, check: async (orgs) => assert.deepEqual(await storedOrgs(e.workos, orgs.slice(40)), []) },
      { at: 45, run: () => broker.start() },
    ]);
    const events = await waitForEvents(e.workos, TYPES, allArrived(expected), { timeoutMs: 180_000, message: 'events written while Kafka was down' });
    assertDelivered(events, expected);
    for (const [k, v] of expected) delivered.set(k, v);
  });

  test('SIGKILL of the events service mid-stream loses and duplicates nothing', async () => {
    const restart = async () => {
      e.stack.spawnApp('events');
      await e.stack.waitReady('events', 180_000);
    };
    const expected = await churn(e.workos, 'events-killed', 60, [
      { at: 20, run: () => e.stack.kill('events', 'SIGKILL') },
      { at: 35, wait: true },
      { at: 40, check: async () => assert.ok((await e.http('GET', '/events?events=organization.created', { key: true })).status >= 500, 'events is down') },
      { at: 40, run: restart },
    ]);
    const events = await waitForEvents(e.workos, TYPES, allArrived(expected), { timeoutMs: 180_000, message: 'events after the events service was killed' });
    assertDelivered(events, expected);
    for (const [k, v] of expected) delivered.set(k, v);
    // Global exactly-once over both rounds.
    const all = await listAllEvents(e.workos, TYPES);
    assertDelivered(all, delivered);
    assert.equal(all.length, [...delivered.values()].reduce((n, types) => n + types.length, 0));
  });
});
