// Baseline for the radar benchmark: a bare Fastify server with a pg Pool, no Nest, no gateway, no
// auth, no Redis, no outbox. Its one route validates nothing and inserts one row into radar's own
// radar_attempts table (the same database the service writes), answering the createAttempt shape.
// Env: DATABASE_URL, POOL_SIZE, PORT, ENVIRONMENT_ID.
import Fastify from 'fastify';
import pg from 'pg';
import { randomBytes } from 'node:crypto';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const environmentId = process.env.ENVIRONMENT_ID;
const INSERT = `INSERT INTO radar_attempts (id, environment_id, ip_address, user_agent, email, auth_method, action, verdict, reason)
  VALUES ($1, $2, $3, $4, $5, $6, $7, 'allow', 'No risk detected')`;

const app = Fastify({ logger: false });
app.post('/radar/attempts', async (req) => {
  const b = req.body;
  const id = `radar_att_${randomBytes(13).toString('hex').toUpperCase().slice(0, 26)}`;
  await pool.query({ name: 'radar_attempt_insert', text: INSERT, values: [id, environmentId, b.ip_address, b.user_agent, b.email, b.auth_method, b.action] });
  return { verdict: 'allow', reason: 'No risk detected', attempt_id: id };
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
