import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestRoute, pathDistance } from './route-suggestions';

const routes = [
  { path: '/organizations', methods: ['GET', 'POST'] },
  { path: '/organizations/{id}', methods: ['GET', 'PUT', 'DELETE'] },
  { path: '/organization_domains/{id}/verify', methods: ['POST'] },
  { path: '/user_management/users', methods: ['GET', 'POST'] },
  { path: '/user_management/users/{id}', methods: ['GET', 'PUT', 'DELETE'] },
  { path: '/directory_users', methods: ['GET'] },
  { path: '/events', methods: ['GET'] },
];

describe('route suggestions', () => {
  test('an ID stands for a parameter; a word costs its edits', () => {
    assert.equal(pathDistance('/organizations/org_01HZZZZZZZZZZZZZZZZZZZZZZZ', '/organizations/{id}'), 0);
    assert.equal(pathDistance('/organisations', '/organizations'), 1);
    assert.equal(pathDistance('/organizations/x', '/organizations'), 2);
  });

  test('suggests the nearest route, preferring the same method', () => {
    assert.equal(nearestRoute('GET', '/organisations', routes), 'GET /organizations');
    assert.equal(nearestRoute('POST', '/user_management/user', routes), 'POST /user_management/users');
    assert.equal(nearestRoute('GET', '/directory_user', routes), 'GET /directory_users');
    assert.equal(nearestRoute('PATCH', '/organizations/org_01HZZZZZZZZZZZZZZZZZZZZZZZ', routes), 'GET /organizations/{id}');
    assert.equal(nearestRoute('GET', '/user_management/users/user_01HZZZZZZZZZZZZZZZZZZZZZZZ/sesions', routes), undefined, 'too far from anything');
  });

  test('nothing close enough, or too long to compare, gets no suggestion', () => {
    assert.equal(nearestRoute('GET', '/nowhere', routes), undefined);
    assert.equal(nearestRoute('GET', '/ev', routes), undefined, 'short paths need a close match');
    assert.equal(nearestRoute('GET', `/${'a/'.repeat(20)}`, routes), undefined);
  });
});
