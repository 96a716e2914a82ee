// The least a password sign-in can do, for the AuthKit benchmark's ceiling: a bare node:http
// server (no Nest, no gateway, no throttle, no events, no telemetry) that, for each POST,
// reads the user's password hash by (environment, email) from identity's own database (a named
// prepared statement), verifies the password with argon2id on libuv's pool as identity does,
// writes a session row with a hashed refresh token, signs an RS256 access token (node:crypto's
// asynchronous sign, a key imported once) and answers JSON. Run behind hop-proxy-server.mjs it is
// the physical limit, on this machine, of a proxied sign-in: what identity's path adds beyond it
// is the part that code could still cut.
// Env: DATABASE_URL (identity's), ENVIRONMENT_ID, PORT, POOL_SIZE, UV_THREADPOOL_SIZE (identity's).
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { verify } from '@node-rs/argon2';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const environmentId = process.env.ENVIRONMENT_ID;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signAsync = promisify(sign);
const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const JWT_HEADER = b64url({ alg: 'RS256', typ: 'JWT', kid: 'bench' });

// The bench's own table in the benchmark's throwaway database, dropped when the server stops.
await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline_sessions (
  id text PRIMARY KEY, environment_id text NOT NULL, user_id text NOT NULL, refresh_token_sha256 text NOT NULL,
  expires_at timestamptz NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);

async function signIn(body) {
  const { email, password } = JSON.parse(body);
  const { rows } = await pool.query({ name: 'bench_user_by_email', text: 'SELECT id, email, password_hash FROM users WHERE environment_id = $1 AND email = $2', values: [environmentId, String(email).toLowerCase()] });
  const user = rows[0];
  if (!user?.password_hash || !(await verify(user.password_hash, String(password)))) return [400, { code: 'invalid_credentials' }];
  const sessionId = `session_${randomBytes(13).toString('hex')}`;
  const refreshToken = randomBytes(32).toString('base64url');
  await pool.query({
    name: 'bench_session_insert',
    text: "INSERT INTO bench_baseline_sessions (id, environment_id, user_id, refresh_token_sha256, expires_at) VALUES ($1, $2, $3, $4, now() + interval '30 days')",
    values: [sessionId, environmentId, user.id, createHash('sha256').update(refreshToken).digest('hex')],
  });
  const now = Math.floor(Date.now() / 1000);
  const input = `${JWT_HEADER}.${b64url({ sub: user.id, sid: sessionId, iat: now, exp: now + 300 })}`;
  const accessToken = `${input}.${(await signAsync('sha256', Buffer.from(input), privateKey)).toString('base64url')}`;
  return [200, { user: { object: 'user', id: user.id, email: user.email }, access_token: accessToken, refresh_token: refreshToken, authentication_method: 'Password' }];
}

const server = createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const [status, answer] = await signIn(Buffer.concat(chunks).toString('utf8'));
    const out = JSON.stringify(answer);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
  } catch {
    res.writeHead(500).end();
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
const stop = () => server.close(() => pool.query('DROP TABLE IF EXISTS bench_baseline_sessions').finally(() => pool.end()).then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
