// Baseline for the GET scenario: a bare Fastify server with a pg Pool, no Nest, no gateway, no
// auth, no telemetry. Its one route does the Postgres work the organizations service does for
// GET /organizations/:id: the same two statements Prisma issues for
// `organization.findFirst({ where: { id, environmentId }, include: { domains: { orderBy: { id: 'asc' } } } })`
// (seen with Prisma's query log), parameterised the same way (unnamed statements), against the
// same database, and the same JSON shape back.
// Env: DATABASE_URL, POOL_SIZE (the service's DATABASE_POOL_SIZE), PORT, ENVIRONMENT_ID.
import Fastify from 'fastify';
import pg from 'pg';

const { Pool } = pg;

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const environmentId = process.env.ENVIRONMENT_ID;

const ORG_SQL = `SELECT id, environment_id, name, external_id, metadata, stripe_customer_id,
  allow_profiles_outside_organization, created_at, updated_at
  FROM organizations WHERE id = $1 AND environment_id = $2 LIMIT $3 OFFSET $4`;
const DOMAINS_SQL = `SELECT id, environment_id, organization_id, domain, state, verification_strategy,
  verification_token, verification_prefix, failure_reason, last_verification_at, created_at, updated_at
  FROM organization_domains WHERE organization_id IN ($1) ORDER BY id ASC OFFSET $2`;

const domainWire = (d) => ({
  object: 'organization_domain',
  id: d.id,
  organization_id: d.organization_id,
  domain: d.domain,
  state: d.state,
  verification_strategy: d.verification_strategy,
  verification_token: d.verification_token,
  verification_prefix: d.verification_prefix,
  created_at: d.created_at.toISOString(),
  updated_at: d.updated_at.toISOString(),
});

const app = Fastify({ logger: false });
app.get('/organizations/:id', async (req, reply) => {
  const { rows } = await pool.query(ORG_SQL, [req.params.id, environmentId, 1, 0]);
  const org = rows[0];
  // Prisma runs the relation query even when the row is missing.
  const domains = await pool.query(DOMAINS_SQL, [org?.id ?? null, 0]);
  if (!org) return reply.status(404).send({ message: 'not found' });
  return {
    object: 'organization',
    id: org.id,
    name: org.name,
    allow_profiles_outside_organization: org.allow_profiles_outside_organization,
    domains: domains.rows.map(domainWire),
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
