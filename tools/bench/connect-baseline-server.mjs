// Baseline for tools/bench/connect.mjs: a bare Fastify server with a pg Pool, no Nest, no
// gateway, no oidc-provider. Its routes do the irreducible work of the two measured endpoints on
// the same database: POST /token checks the Basic client secret by hash (the same tables) and
// signs an RS256 JWT with jose; POST /introspect checks the client the same way and reads the
// token's row by hash from oauth_artifacts.
// Env: DATABASE_URL, POOL_SIZE, PORT, ENVIRONMENT_ID, ISSUER.
import { createHash, generateKeyPairSync } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { SignJWT } from 'jose';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const environmentId = process.env.ENVIRONMENT_ID;
const issuer = process.env.ISSUER;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const sha256 = (v) => createHash('sha256').update(v).digest('hex');

async function client(req) {
  const [id, secret] = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /i, ''), 'base64').toString().split(':').map(decodeURIComponent);
  const { rows } = await pool.query({
    name: 'client',
    text: 'SELECT a.client_id, a.organization_id FROM connect_client_secrets s JOIN connect_applications a ON a.id = s.application_id WHERE s.environment_id = $1 AND a.client_id = $2 AND s.secret_hash = $3',
    values: [environmentId, id, sha256(secret ?? '')],
  });
  return rows[0];
}

const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body))));
app.post('/token', async (req, reply) => {
  const c = await client(req);
  if (!c) return reply.status(401).send({ error: 'invalid_client' });
  const now = Math.floor(Date.now() / 1000);
  const access_token = await new SignJWT({ client_id: c.client_id, org_id: c.organization_id, scope: req.body?.scope })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k' })
    .setIssuer(issuer).setAudience(issuer).setSubject(c.client_id).setIssuedAt(now).setExpirationTime(now + 3600).setJti(crypto.randomUUID())
    .sign(privateKey);
  return { access_token, token_type: 'Bearer', expires_in: 3600 };
});
app.post('/introspect', async (req, reply) => {
  const c = await client(req);
  if (!c) return reply.status(401).send({ error: 'invalid_client' });
  const { rows } = await pool.query({
    name: 'introspect',
    text: `SELECT payload FROM oauth_artifacts WHERE environment_id = $1 AND model = 'AccessToken' AND id_hash = $2 AND expires_at > now()`,
    values: [environmentId, sha256(String(req.body?.token ?? ''))],
  });
  const p = rows[0]?.payload;
  return p && p.clientId === c.client_id ? { active: true, client_id: p.clientId, sub: p.accountId, exp: p.exp, scope: p.scope } : { active: false };
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('ready\n');
const stop = () => app.close().then(() => pool.end()).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
