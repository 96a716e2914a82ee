// Baseline for the GET scenario: a bare Fastify server with a pg Pool, no Nest, no gateway, no
// auth, no telemetry. Its one route does the Postgres work the organizations service does for
// GET /organizations/:id: the very statement the repository runs (imported from its build, a
// named prepared statement like the service's), against the same database, and the same JSON
// shape back.
// Env: DATABASE_URL, POOL_SIZE (the service's DATABASE_POOL_SIZE), PORT, ENVIRONMENT_ID.
import Fastify from 'fastify';
import pg from 'pg';
import { createRequire } from 'node:module';

const { Pool } = pg;

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const environmentId = process.env.ENVIRONMENT_ID;

const { ORGANIZATION_BY_ID } = createRequire(import.meta.url)('../../apps/organizations/dist/src/organizations/organizations.repository.js');

const domainWire = (d) => ({
  object: 'organization_domain',
  id: d.id,
  organization_id: d.organization_id,
  domain: d.domain,
  state: d.state,
  verification_strategy: d.verification_strategy,
  verification_token: d.verification_token,
  verification_prefix: d.verification_prefix,
  created_at: new Date(d.created_at).toISOString(),
  updated_at: new Date(d.updated_at).toISOString(),
});

const app = Fastify({ logger: false });
app.get('/organizations/:id', async (req, reply) => {
  const { rows } = await pool.query({ name: 'organization_by_id', text: ORGANIZATION_BY_ID, values: [req.params.id, environmentId] });
  const org = rows[0];
  if (!org) return reply.status(404).send({ message: 'not found' });
  return {
    object: 'organization',
    id: org.id,
    name: org.name,
    allow_profiles_outside_organization: org.allow_profiles_outside_organization,
    domains: org.domains.map(domainWire),
    stripe_customer_id: org.stripe_customer_id,
    external_id: org.external_id,
    metadata: org.metadata ?? {},
    created_at: org.created_at.toISOString(),
    updated_at: org.updated_at.toISOString(),
  };
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('ready\n');
const stop = () => app.close().then(() => pool.end()).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
