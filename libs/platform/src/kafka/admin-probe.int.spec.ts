import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createLogger } from '../logging/logger';
import { testInfra } from '../testing/testing';
import { KafkaAdminProbe } from './admin-probe';
import { createKafka } from './kafka';

/* A client whose admin() calls are counted: each one is a new connection, a metadata fetch and a disconnect. */
function countingKafka(kafka: Kafka): { kafka: Kafka; made: Admin[] } {
  const made: Admin[] = [];
  const admin = kafka.admin.bind(kafka);
  kafka.admin = (...args: Parameters<Kafka['admin']>) => {
    const a = admin(...args);
    made.push(a);
    return a;
  };
  return { kafka, made };
}

describe('KafkaAdminProbe (real Kafka)', () => {
  const probes: KafkaAdminProbe[] = [];
  after(async () => {
    for (const p of probes) await p.close();
  });

  test('probes share one connected admin client; a failed probe drops it and the next connects afresh', async () => {
    const { kafka, made } = countingKafka(createKafka({ brokers: testInfra.kafkaBrokers, clientId: 'admin-probe-test', logger: createLogger('admin-probe-test', 'silent') }));
    const probe = new KafkaAdminProbe(kafka);
    probes.push(probe);
    for (let i = 0; i < 5; i++) assert.ok((await probe.run((a) => a.describeCluster())).brokers.length >= 1);
    assert.equal(made.length, 1, 'five probes, one admin client');

    await assert.rejects(probe.run(() => Promise.reject(new Error('the check failed'))), /the check failed/);
    await probe.run((a) => a.describeCluster());
    assert.equal(made.length, 2, 'a failed probe is followed by a new connection');

    await probe.close();
    await assert.rejects(probe.run((a) => a.describeCluster()), /closed/);
  });

  test('a broker that cannot be reached fails the probe, and every later probe tries again', async () => {
    const { kafka, made } = countingKafka(new Kafka({ clientId: 'admin-probe-test', brokers: ['127.0.0.1:1'], connectionTimeout: 300, retry: { retries: 0 }, logLevel: logLevel.NOTHING }));
    const probe = new KafkaAdminProbe(kafka);
    probes.push(probe);
    await assert.rejects(probe.run((a) => a.describeCluster()));
    await assert.rejects(probe.run((a) => a.describeCluster()));
    assert.equal(made.length, 2, 'no failed connection is kept');
  });

  test('a probe that gets no answer (a broker that accepts and never replies) is dropped after its deadline', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const { kafka, made } = countingKafka(
        new Kafka({ clientId: 'admin-probe-test', brokers: [`127.0.0.1:${port}`], connectionTimeout: 300, authenticationTimeout: 500, requestTimeout: 500, retry: { retries: 0 }, logLevel: logLevel.NOTHING }),
      );
      const probe = new KafkaAdminProbe(kafka);
      probes.push(probe);
      await assert.rejects(probe.run((a) => a.describeCluster(), 200), /no answer from Kafka within 200 ms/);
      await assert.rejects(probe.run((a) => a.describeCluster(), 200), /no answer from Kafka within 200 ms/);
      assert.equal(made.length, 2, 'the next probe does not wait behind the silent connection');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
