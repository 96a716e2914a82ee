// Baseline for tools/bench/authz-check.mjs: a bare Fastify server with a pg Pool, no Nest, no
// gateway, no auth, no telemetry. Its one route runs the very check statement the authorization
// service runs (CHECK_BY_ID_SQL, imported from its build) as a named prepared statement, against
// the same database, and answers the same JSON.
// Env: DATABASE_URL, POOL_SIZE (the service's DATABASE_POOL_SIZE), PORT, ENVIRONMENT_ID.
import Fastify from 'fastify';
import pg from 'pg';
import { createRequire } from 'node:module';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const environmentId = process.env.ENVIRONMENT_ID;
const { CHECK_BY_ID_SQL } = createRequire(import.meta.url)('../../apps/authorization/dist/src/assignments/access.sql.js');

const app = Fastify({ logger: false });
app.post('/check/:om', async (req, reply) => {
  const { permission_slug: permission, resource_id: resource } = req.body ?? {};
  const { rows } = await pool.query({ name: 'authz_check', text: CHECK_BY_ID_SQL, values: [environmentId, req.params.om, permission, resource] });
  const r = rows[0];
  if (!r.memberships || !r.resources) return reply.status(404).send({ message: 'not found' });
  return { authorized: r.authorized };
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('ready\n');
const stop = () => app.close().then(() => pool.end()).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
