import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Topic } from '@wos/contracts';
import { testInfra, uniqueSuffix, waitFor } from '@wos/platform/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { APP_CATALOGUE } from '@wos/platform/stack';
import { startE2e, ROOT, type E2e } from '../support/e2e-stack';
import { TestSamlIdp } from '../support/sso-peers';
import { exportedMetricNames, metricNamesIn } from '../support/promql-metrics';

interface ExportedSpan {
  service: string;
  traceId: string;
  name: string;
  links: string[];
}

/** A minimal OTLP/HTTP (JSON) trace receiver on loopback: the collector the stack exports to. */
async function startCollector(): Promise<{ url: string; spans: ExportedSpan[]; close: () => Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      let doc: { resourceSpans?: any[] };
      try {
        doc = JSON.parse(body || '{}') as { resourceSpans?: any[] };
      } catch {
        // Not OTLP/JSON (seen once, unexplained): refuse it instead of crashing the receiver.
        console.error('collector: a body that is not JSON', req.url, req.headers['content-type'], req.headers['content-encoding']);
        res.writeHead(400).end();
        return;
      }
      for (const rs of doc.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue ?? '?';
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? []) spans.push({ service, traceId: s.traceId, name: s.name, links: (s.links ?? []).map((l: any) => l.traceId) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

describe('trace context across HTTP and Kafka (tracing on)', () => {
  let e: E2e;
  let collector: Awaited<ReturnType<typeof startCollector>>;

  before(async () => {
    collector = await startCollector();
    e = await startE2e({
      name: 'tracing',
      portOffset: 15000,
      // Every service, so the metrics test below scrapes all of them.
      apps: APP_CATALOGUE.map((a) => a.name),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
  });
  after(async () => {
    await e?.stop();
    await collector?.close();
  });

  test("a client's traceparent continues through the gateway, the service, Kafka and the events consumer", async () => {
    // Where the organizations topic ends now: the test reads from there, not from the beginning of a
    // topic every earlier test of the run has written to.
    const kafka = new Kafka({ brokers: testInfra.kafkaBrokers, clientId: `trace-test-${uniqueSuffix()}`, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const start = await admin.fetchTopicOffsets(Topic.organizations).finally(() => admin.disconnect());
    const traceId = randomBytes(16).toString('hex');
    const res = await e.http('POST', '/organizations', {
      key: true,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { name: 'Traced' },
    });
    assert.equal(res.status, 201);
    const orgId = (res.json as { id: string }).id;

    // HTTP: both hops exported spans of the caller's trace.
    await waitFor(() => {
      const services = new Set(collector.spans.filter((s) => s.traceId === traceId).map((s) => s.service));
      return (services.has('api-gateway') && services.has('organizations')) || undefined;
    }, { timeoutMs: 20_000, message: 'gateway and organizations spans in the trace' });

    // Kafka: the event's message carries the same trace in its headers.
    const consumer = kafka.consumer({ groupId: `trace-test-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
    let traceparent: string | undefined;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: Topic.organizations, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() === orgId) traceparent = message.headers?.traceparent?.toString();
        },
      });
      for (const p of start) consumer.seek({ topic: Topic.organizations, partition: p.partition, offset: p.offset });
      await waitFor(() => traceparent, { timeoutMs: 30_000, message: "the organization's Kafka message" });
    } finally {
      await consumer.disconnect();
    }
    assert.equal(traceparent!.split('-')[1], traceId);

    // The events service's consumer continues the trace (a process span in it), and its batch span
    // links back to it (its group starts at the topics' ends as the stack starts:
    // startGroupAtTopicEnds).
    await waitFor(
      () =>
        (collector.spans.some((s) => s.service === 'events' && s.traceId === traceId) &&
          collector.spans.some((s) => s.service === 'events' && s.links.includes(traceId))) ||
        undefined,
      { timeoutMs: 30_000, message: "an events consumer span in the trace, and the batch's span linked to it" },
    );
  });

  test('one SSO sign-in is one trace: gateway → sso → Kafka → events and webhook-dispatcher', async () => {
    // A webhook endpoint for the sign-in's event, so the dispatcher delivers it (to a receiver here).
    const delivered: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        delivered.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const idp = await TestSamlIdp.start();
    try {
      const endpoint = await e.http('POST', '/webhook_endpoints', {
        key: true,
        body: { endpoint_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, events: ['authentication.sso_succeeded'] },
      });
      assert.equal(endpoint.status, 201, endpoint.text);
      // An IdP-initiated connection: the IdP's POST to the ACS is the whole sign-in's first request.
      const created = await e.http('POST', '/connections', {
        key: true,
        body: { name: 'Traced IdP', connection_type: 'OktaSAML', saml: { idp_metadata_xml: idp.metadataXml(), allow_idp_initiated: true, idp_initiated_redirect_uri: 'https://app.example.com/callback' }, activate: true },
      });
      assert.equal(created.status, 201, created.text);
      const connectionId = (created.json as { id: string }).id;
      idp.trust(((await e.http('GET', `/connections/${connectionId}/sp_metadata`, { key: true })).json as { metadata_xml: string }).metadata_xml);
      idp.user = { nameId: 'traced@sso.example', attributes: { email: 'traced@sso.example', firstName: 'Tra', lastName: 'Ced' } };

      const traceId = randomBytes(16).toString('hex');
      const acs = await e.http('POST', `/sso/saml/acs/${connectionId}`, {
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse: await idp.respond({ inResponseTo: null }) }).toString(),
      });
      assert.equal(acs.status, 302, acs.text);
      assert.match(String(acs.headers.location), /[?&]code=/);

      // One trace: the gateway's and sso's HTTP spans, the events and webhook-dispatcher consumers'
      // process spans (parented through the Kafka message's traceparent), and the webhook delivery
      // (parented through the queued job).
      await waitFor(
        () => {
          const inTrace = collector.spans.filter((s) => s.traceId === traceId);
          const services = new Set(inTrace.map((s) => s.service));
          const delivered = inTrace.some((s) => s.service === 'webhook-dispatcher' && s.name === 'webhook deliver');
          return (['api-gateway', 'sso', 'events', 'webhook-dispatcher'].every((x) => services.has(x)) && delivered) || undefined;
        },
        { timeoutMs: 90_000, message: 'gateway, sso, events and webhook-dispatcher (consume and deliver) spans in one trace' },
      );
      await waitFor(() => delivered.some((b) => b.includes('authentication.sso_succeeded') && b.includes('traced@sso.example')) || undefined, {
        timeoutMs: 90_000,
        message: 'the sign-in delivered as a webhook',
      });
    } finally {
      await idp.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  test('every metric the Grafana dashboard and the alert rules name is exported by a running service', async () => {
    const dir = join(ROOT, 'deploy', 'observability');
    const dashboard = JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const rules = parse(readFileSync(join(dir, 'prometheus-rules.yaml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    const exprs = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr))];
    const named = new Set(exprs.flatMap((x) => metricNamesIn(x)));
    assert.ok(named.size >= 15, `the dashboard and rules name ${named.size} metrics`);
    const exported = new Set<string>();
    for (const name of e.stack.apps) {
      const port = name === 'api-gateway' ? e.stack.gatewayAdminPort : e.stack.port(name);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200, `${name} /metrics`);
      for (const m of exportedMetricNames(await res.text())) exported.add(m);
    }
    assert.deepEqual([...named].filter((m) => !exported.has(m)), [], 'named but exported by no service');
  });
});
