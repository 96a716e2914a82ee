import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceUnavailable } from '../http/internal-fetch';
import { isDependencyOutage } from './dependency-outage';

test('isDependencyOutage: connection failures of pg, Prisma, Redis and sockets are outages; what the handler itself refuses is not', () => {
  const outages = [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    new Error('Connection terminated unexpectedly'),
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    Object.assign(new Error('connection failure'), { code: '08006' }),
    Object.assign(new Error("Can't reach database server at `127.0.0.1:5432`"), { code: 'P1001' }),
    new Error('query failed', { cause: new Error('wrapped', { cause: Object.assign(new Error('x'), { originalCode: 'ECONNRESET' }) }) }),
    new Error('Connection is closed.'),
    serviceUnavailable('organizations'),
  ];
  for (const err of outages) assert.equal(isDependencyOutage(err), true, String(err.message));
  const own = [
    new Error('cannot apply event_1'),
    Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
    Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }),
    new TypeError("Cannot read properties of undefined (reading 'id')"),
    'a string',
    null,
  ];
  for (const err of own) assert.equal(isDependencyOutage(err), false, String(err));
});
