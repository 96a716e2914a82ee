import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import type { ConsumedEvent } from '../kafka/event-consumer';
import { buildEvent } from '../outbox/build-event';
import { uniqueSuffix, waitFor } from '../testing/testing';
import { ConsumerTestBed, organizationData as org } from './kafka-event.test-bed';

/*
 * Two replicas of one consuming service: one consumer group, one database, the platform's inbox.
 * Kafka shares the topic's partitions between them; a partition that moves (a replica leaves)
 * may hand the new owner messages the old one applied but had not committed, and the inbox makes
 * those a no-op. So: every event's effect exactly once, whichever replica applied it.
 */
describe('KafkaEventTransport across replicas: partitions shared, every effect once (real Kafka and Postgres)', () => {
  const bed = new ConsumerTestBed('kit-replicas-test');
  const groupId = `kit-replicas-${uniqueSuffix()}`;
  let pool: Pool;
  const apps = new Map<string, NestFastifyApplication>();
  /* Every delivery a handler saw, applied or skipped by the inbox. */
  const deliveries: { replica: string; id: string }[] = [];

  before(async () => {
    await bed.open(); // the platform migrations: the inbox among them
    pool = new Pool({ connectionString: bed.db.url, max: 4 });
    await pool.query('CREATE TABLE effects (event_id TEXT NOT NULL, replica TEXT NOT NULL)');
  });

  after(async () => {
    for (const app of apps.values()) await app.close(); // before the pool its handlers use
    await pool.end();
    await bed.close();
  });

  /* The effect and its inbox claim in one statement: a claimed event is never applied again. */
  async function apply(replica: string, eventId: string): Promise<void> {
    deliveries.push({ replica, id: eventId });
    await pool.query(
      `WITH claimed AS (INSERT INTO inbox (consumer, event_id) VALUES ('replicas-test', $1) ON CONFLICT DO NOTHING RETURNING event_id)
       INSERT INTO effects (event_id, replica) SELECT event_id, $2 FROM claimed`,
      [eventId, replica],
    );
  }

  function replicaConsumer(replica: string): Type {
    @Controller()
    class ReplicaConsumer {
      @EventPattern('organization.updated')
      async updated(@Payload() e: ConsumedEvent): Promise<void> {
        await apply(replica, e.envelope.id);
      }
    }
    return ReplicaConsumer;
  }

  async function startReplica(replica: string): Promise<void> {
    apps.set(replica, await bed.start(replicaConsumer(replica), groupId, 60_000));
  }

  /* Events with distinct keys, so they spread over the three partitions. */
  async function send(n: number, label: string): Promise<string[]> {
    const events = Array.from({ length: n }, (_, i) => buildEvent('organization.updated', org(`org_${label}_${i}`), 'environment_T'));
    await bed.send(events, (i) => `${label}-${i}`);
    return events.map((e) => e.id);
  }

  async function effects(): Promise<{ event_id: string; replica: string }[]> {
    return (await pool.query<{ event_id: string; replica: string }>('SELECT event_id, replica FROM effects')).rows;
  }

  test('two replicas share the partitions and apply each event once; when one leaves, the other takes its partitions and nothing is lost or applied twice', async () => {
    await startReplica('a');
    await startReplica('b');
    // Until the group has settled with both members, one of them may own every partition: send in
    // waves until each replica has applied something.
    const sent: string[] = [];
    await waitFor(
      async () => {
        sent.push(...(await send(30, `wave${sent.length}`)));
        const byReplica = new Set((await effects()).map((e) => e.replica));
        return (byReplica.has('a') && byReplica.has('b')) || undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, message: 'both replicas apply events (the partitions are shared)' },
    );
    await waitFor(async () => (await effects()).length >= sent.length || undefined, { timeoutMs: 60_000, message: 'every event of the waves applied' });

    // Replica a leaves while events keep coming: b takes its partitions.
    const leaving = apps.get('a')!.close();
    apps.delete('a');
    const during = await send(100, 'during');
    await leaving;
    const afterwards = await send(100, 'after');
    const all = [...sent, ...during, ...afterwards];
    await waitFor(async () => (await effects()).length >= all.length || undefined, { timeoutMs: 90_000, message: 'every event applied after a replica left' });

    const rows = await effects();
    const applied = rows.map((r) => r.event_id).sort();
    assert.deepEqual(applied, [...all].sort(), 'each event applied exactly once, none lost');
    assert.ok(afterwards.every((id) => rows.find((r) => r.event_id === id)?.replica === 'b'), 'the remaining replica applied what came after the other left');
    assert.ok(deliveries.length >= all.length, 'every event reached a handler');
  });
});
