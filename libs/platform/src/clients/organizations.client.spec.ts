import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { verifyInternalRequest } from '../http/internal-auth';
import { OrganizationsClient } from './organizations.client';

const SECRET = 'organizations-client-secret';
const ORG = 'org_01ARZ3NDEKTSV4RRFFQ69G5FAV';

describe('OrganizationsClient', () => {
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];

  before(async () => {
    // Answers like the organizations service: the org exists only in environment_A.
    server = createServer((req, res) => {
      const env = verifyInternalRequest(SECRET, 'organizations', { method: req.method!, url: req.url!, headers: req.headers })?.environmentId;
      seen.push(env);
      const acme = { id: ORG, name: 'Acme', domains: [{ id: 'org_domain_1', domain: 'acme.com', state: 'verified' }], domain_capture: true };
      if (req.url === `/organizations/${ORG}` && env === 'environment_A') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(acme));
      } else if (req.url?.startsWith('/organizations?')) {
        const q = new URL(req.url, 'http://x').searchParams;
        const data = env === 'environment_A' && q.get('domains') === 'acme.com' && q.get('limit') === '1' ? [acme] : [];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, list_metadata: { before: null, after: null } }));
      } else if (req.url?.endsWith('/boom')) res.writeHead(500).end();
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"entity_not_found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('finds an organization of the signed environment only', async () => {
    const client = new OrganizationsClient(url, SECRET);
    assert.deepEqual(await client.find('environment_A', ORG), {
      id: ORG,
      name: 'Acme',
      domains: [{ id: 'org_domain_1', domain: 'acme.com', state: 'verified' }],
      domainCapture: true,
      allowProfilesOutsideOrganization: false,
    });
    assert.equal(await client.find('environment_B', ORG), null);
    assert.deepEqual(seen, ['environment_A', 'environment_B']);
  });

  test('a malformed ID is not found without a request', async () => {
    assert.equal(await new OrganizationsClient(url, SECRET).find('environment_A', '../boom'), null);
    assert.equal(seen.length, 2);
  });

  test('finds the organization holding a domain, in the signed environment only', async () => {
    const client = new OrganizationsClient(url, SECRET);
    assert.equal((await client.findByDomain('environment_A', 'ACME.com'))?.id, ORG);
    assert.equal(await client.findByDomain('environment_B', 'acme.com'), null);
    assert.equal(await client.findByDomain('environment_A', 'other.com'), null);
  });

  test('an unreachable service is a 503', async () => {
    await assert.rejects(new OrganizationsClient('http://127.0.0.1:1', SECRET).find('environment_A', ORG), (e: { status?: number }) => e.status === 503);
  });
});
