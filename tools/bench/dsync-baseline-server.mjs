// Same-run baseline for the Directory Sync benchmark: a bare Fastify server with a pg Pool, no
// Nest, no gateway, no SCIM token check. Its routes run the directory-sync service's own domain
// code from its build (SCIM mapping, the repository's single-statement user insert with its
// outbox event, the WorkOS users page with groups), so the gap to the service is framework,
// gateway and authentication cost.
// Env: DATABASE_URL, POOL_SIZE, PORT, ENVIRONMENT_ID, DIRECTORY_ID, ORGANIZATION_ID.
import Fastify from 'fastify';
import pg from 'pg';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = '../../apps/directory-sync/dist/src';
const { DirectoryDataRepository } = require(`${dist}/shared/directory-data.repository.js`);
const { toUserWire, toUserWithGroupsWire } = require(`${dist}/shared/directory-data.dto.js`);
const { mapScimUser } = require(`${dist}/scim-core/scim-user.mapping.js`);
const { userEvent } = require(`${dist}/shared/dsync.events.js`);
const { toScimUser } = require(`${dist}/scim/scim.dto.js`);
const { newId, paginate, toListEnvelope, paginationQuerySchema } = require('../../libs/platform/dist/index.js');

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const repo = new DirectoryDataRepository({ pool });
const env = process.env.ENVIRONMENT_ID;
const directoryId = process.env.DIRECTORY_ID;
const organizationId = process.env.ORGANIZATION_ID;

const app = Fastify({ logger: false });
app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

app.post('/Users', async (req, reply) => {
  const m = mapScimUser(req.body);
  const id = newId('directory_user');
  const now = new Date();
  const row = {
    id, environment_id: env, directory_id: directoryId, organization_id: organizationId, idp_id: m.externalId ?? id, user_name: m.userName,
    external_id: m.externalId, emails: m.emails, email: m.email, first_name: m.firstName, last_name: m.lastName, state: m.state,
    custom_attributes: m.customAttributes, raw_attributes: m.raw, roles: m.roles, created_at: now, updated_at: now,
  };
  await repo.insertUser(row, [userEvent('dsync.user.created', toUserWire(row), env)]);
  return reply.status(201).send(toScimUser(row, 'http://baseline'));
});

app.get('/directory_users', async (req) => {
  const query = paginationQuerySchema.parse(req.query);
  const page = await paginate(query, (r) => repo.listUsersWithGroups(env, { directoryId: req.query.directory }, r));
  return toListEnvelope(page, toUserWithGroupsWire);
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
