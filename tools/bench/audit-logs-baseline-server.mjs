// Same-run baseline for the Audit Logs benchmark: a bare Fastify server with a pg Pool, no Nest,
// no gateway, no validation. POST /plain inserts the event row alone (one statement, no chain,
// no outbox); POST /chained runs the service's own insert from its build (the SIEM and OCSF
// outbox rows, then the chained statement, in one transaction). The gap between them is the chain and outbox; the gap
// to the service is framework, gateway, validation and idempotency.
// Env: DATABASE_URL, POOL_SIZE, PORT, ENVIRONMENT_ID.
import Fastify from 'fastify';
import pg from 'pg';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = '../../apps/audit-logs/dist/src';
const { AuditEventsRepository } = require(`${dist}/audit-events/audit-events.repository.js`);
const { toAuditLogEventWire, toExportableEvent } = require(`${dist}/audit-events/audit-events.dto.js`);
const { auditLogEventCreated, auditLogEventOcsf } = require(`${dist}/audit-events/audit-events.events.js`);
const { eventDigest } = require(`${dist}/audit-core/chain.js`);
const { eventCells } = require(`${dist}/audit-core/export-csv.js`);
const { newId } = require('../../libs/platform/dist/index.js');

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const repo = new AuditEventsRepository({ pool });
const env = process.env.ENVIRONMENT_ID;

const rowOf = (body) => ({ id: newId('audit_log_event'), environmentId: env, organizationId: body.organization_id, event: body.event, occurredAt: new Date(body.event.occurred_at), createdAt: new Date() });

const app = Fastify({ logger: false });
app.get('/ready', async () => ({ ok: true }));

app.post('/plain', async (req, reply) => {
  const r = rowOf(req.body);
  const e = r.event;
  await pool.query(
    `INSERT INTO audit_log_events (id, environment_id, organization_id, action, version, occurred_at, actor, targets, context, metadata, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11)`,
    [r.id, env, r.organizationId, e.action, e.version ?? null, r.occurredAt, JSON.stringify(e.actor), JSON.stringify(e.targets), JSON.stringify(e.context), JSON.stringify(e.metadata ?? null), r.createdAt],
  );
  return reply.status(201).send({ success: true });
});

app.post('/chained', async (req, reply) => {
  const r = rowOf(req.body);
  const wire = toAuditLogEventWire(r);
  await repo.insert(env, r, eventDigest(eventCells(toExportableEvent(r))), [auditLogEventCreated(wire, env), auditLogEventOcsf(wire, env)]);
  return reply.status(201).send({ success: true });
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
