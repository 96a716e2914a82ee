import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import type { ConsumedEvent, EventConsumer } from '../kafka/event-consumer';
import { buildEvent } from '../outbox/build-event';
import { uniqueSuffix, waitFor } from '../testing/testing';
import { ALL_EVENTS, KafkaEventTransport } from './kafka-event.transport';
import { ConsumerTestBed, organizationData as org } from './kafka-event.test-bed';

/* What the handlers saw, per test app. */
const seen: { handler: string; ids: string[] }[] = [];
const record = (handler: string, ids: string[]) => seen.push({ handler, ids });

@Controller()
class PerEventConsumer {
  @EventPattern('organization.deleted')
  deleted(@Payload() e: ConsumedEvent): void {
    if (e.envelope.data.name === 'poison') throw new Error(`cannot apply ${e.envelope.id}: poisoned on purpose`);
    record('deleted', [e.envelope.id]);
  }

  @EventPattern('organization.created')
  async created(@Payload() e: ConsumedEvent): Promise<void> {
    await new Promise((r) => setImmediate(r));
    record('created', [e.envelope.id]);
  }
}

@Controller()
class BatchConsumer {
  @EventPattern(ALL_EVENTS, { batch: true })
  all(@Payload() chunk: ConsumedEvent[]): void {
    record('batch', chunk.map((e) => e.envelope.id));
  }
}

@Controller()
class CleanupConsumer {
  @EventPattern('organization.deleted', { maxDelayMs: 1500 })
  deleted(@Payload() e: ConsumedEvent): void {
    record('cleanup', [e.envelope.id]);
  }

  @EventPattern('user.deleted', { maxDelayMs: 700 })
  userDeleted(): void {}
}

@Controller()
class BadDelayConsumer {
  @EventPattern('organization.deleted', { maxDelayMs: 60_000 })
  deleted(): void {}
}

@Controller()
class TypoConsumer {
  @EventPattern('organisation.deleted')
  typo(): void {}
}

describe('KafkaEventTransport: @EventPattern handlers over the platform consumer (real Kafka and Postgres)', () => {
  const bed = new ConsumerTestBed('kit-test');

  before(() => bed.open());
  after(() => bed.close());

  async function start(controller: Type): Promise<{ app: NestFastifyApplication; groupId: string }> {
    const groupId = `kit-test-${uniqueSuffix()}`;
    return { app: await bed.start(controller, groupId), groupId };
  }

  async function deadLetters(): Promise<{ consumer_group: string; event_id: string; event_type: string; error: string }[]> {
    const pg = new Client({ connectionString: bed.db.url });
    await pg.connect();
    try {
      return (await pg.query('SELECT consumer_group, event_id, event_type, error FROM consumer_dead_letters')).rows;
    } finally {
      await pg.end();
    }
  }

  const send = (events: ReturnType<typeof buildEvent>[]) => bed.send(events);

  test('per-event handlers get their types in partition order; other types pass; a handler that keeps failing dead-letters only its event, with its own error', async () => {
    const { app, groupId } = await start(PerEventConsumer);
    const events = [
      buildEvent('organization.created', org('org_a'), 'environment_T'),
      buildEvent('organization.deleted', org('org_a'), 'environment_T'),
      buildEvent('organization.updated', org('org_b'), 'environment_T'),
      buildEvent('organization.deleted', org('poison'), 'environment_T'),
      buildEvent('organization.created', org('org_c'), 'environment_T'),
      buildEvent('organization.deleted', org('org_c'), 'environment_T'),
    ];
    await send(events);
    const handled = () => seen.filter((s) => s.handler !== 'batch').flatMap((s) => s.ids);
    await waitFor(() => handled().length >= 4 || undefined, { timeoutMs: 30_000, message: 'four events handled' });
    // Events applied before the poisoned one in its chunk are not applied again while it is retried and isolated.
    assert.deepEqual(handled(), [events[0]!.id, events[1]!.id, events[4]!.id, events[5]!.id]);
    await waitFor(async () => (await deadLetters()).length === 1 || undefined, { timeoutMs: 30_000, message: 'the poisoned event dead-lettered' });

    try {
      const rows = await deadLetters();
      assert.equal(rows.length, 1);
      assert.equal(rows[0].consumer_group, groupId);
      assert.equal(rows[0].event_id, events[3]!.id);
      assert.equal(rows[0].event_type, 'organization.deleted');
      assert.match(rows[0].error, /poisoned on purpose/, 'the dead letter keeps the handler error, not Nest\'s "Internal server error"');
    } finally {
      await app.close();
    }
  });

  test('a batch handler receives chunks of every event, in order', async () => {
    seen.length = 0;
    const { app } = await start(BatchConsumer);
    const events = Array.from({ length: 20 }, (_, i) => buildEvent('organization.updated', org(`org_batch_${i}`), 'environment_T'));
    await send(events);
    // The group reads the topic from the start: the previous test's six events come first.
    await waitFor(() => seen.flatMap((s) => s.ids).length >= 26 || undefined, { timeoutMs: 30_000, message: '26 events in batches' });
    assert.deepEqual(seen.flatMap((s) => s.ids).slice(-20), events.map((e) => e.id));
    assert.ok(seen.every((s) => s.handler === 'batch'));
    await app.close();
  });

  test('handlers that all allow a delay get a bulk consumer with the least of them (and still every event); one prompt handler keeps it prompt; a delay out of range fails the start', async () => {
    seen.length = 0;
    const { app } = await start(CleanupConsumer);
    assert.equal(app.get(KafkaEventTransport).unwrap<EventConsumer>().fetchDelayMs, 700);
    const deleted = buildEvent('organization.deleted', org('org_cleanup'), 'environment_T');
    await send([deleted]);
    await waitFor(() => seen.some((s) => s.ids.includes(deleted.id)) || undefined, { timeoutMs: 30_000, message: 'the deletion applied' });
    await app.close();
    const prompt = await start(PerEventConsumer);
    assert.equal(prompt.app.get(KafkaEventTransport).unwrap<EventConsumer>().fetchDelayMs, 0);
    await prompt.app.close();
    await assert.rejects(bed.bootstrap(BadDelayConsumer, `kit-test-${uniqueSuffix()}`), /maxDelayMs.*organization\.deleted: 60000/);
  });

  test('a pattern that names no known event type fails the start, naming it', async () => {
    await assert.rejects(
      bed.bootstrap(TypoConsumer, `kit-test-${uniqueSuffix()}`),
      /organisation\.deleted/,
    );
  });
});
