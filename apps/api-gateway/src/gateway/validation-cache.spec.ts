import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidationRequest, ValidationAnswerCache } from './validation-cache';

const request = Buffer.from('{"value":"sk_ak_x"}');
const answer = (expiresAt: string | null = null) => Buffer.from(JSON.stringify({ api_key: { object: 'api_key', id: 'api_key_1', expires_at: expiresAt } }));
const T = 1_000_000;

test('ValidationAnswerCache: keeps a 200 naming a key for the TTL, for its environment and exact request only', () => {
  const c = new ValidationAnswerCache(500);
  c.offer('env_a', request, c.writeCount, 200, answer(), T);
  assert.deepEqual(c.get('env_a', request, T + 499), answer());
  assert.equal(c.get('env_a', request, T + 500), undefined, 'gone at the TTL');
  c.offer('env_a', request, c.writeCount, 200, answer(), T);
  assert.equal(c.get('env_b', request, T), undefined, 'another environment asks identity');
  assert.equal(c.get('env_a', Buffer.from('{"value": "sk_ak_x"}'), T), undefined, 'other bytes ask identity');
});

test('ValidationAnswerCache: never keeps "no such key", an error, an unreadable answer, or past the key expiry', () => {
  const c = new ValidationAnswerCache(500);
  c.offer('env', request, c.writeCount, 200, Buffer.from('{"api_key":null}'), T);
  c.offer('env', Buffer.from('b'), c.writeCount, 422, answer(), T);
  c.offer('env', Buffer.from('c'), c.writeCount, 200, Buffer.from('not json'), T);
  assert.equal(c.get('env', request, T), undefined);
  assert.equal(c.get('env', Buffer.from('b'), T), undefined);
  assert.equal(c.get('env', Buffer.from('c'), T), undefined);
  c.offer('env', request, c.writeCount, 200, answer(new Date(T + 100).toISOString()), T);
  assert.ok(c.get('env', request, T + 99));
  assert.equal(c.get('env', request, T + 100), undefined, 'the key expired before the TTL');
  c.offer('env', request, c.writeCount, 200, answer(new Date(T - 1).toISOString()), T);
  assert.equal(c.get('env', request, T), undefined, 'an expired key is not kept');
});

test('ValidationAnswerCache: a write of the environment drops its answers, and an answer in flight across any write is not kept', () => {
  const c = new ValidationAnswerCache(500);
  c.offer('env_a', request, c.writeCount, 200, answer(), T);
  c.offer('env_b', request, c.writeCount, 200, answer(), T);
  const before = c.writeCount;
  c.changed('env_a');
  assert.equal(c.get('env_a', request, T), undefined);
  assert.ok(c.get('env_b', request, T), 'other environments keep theirs');
  c.offer('env_a', request, before, 200, answer(), T);
  assert.equal(c.get('env_a', request, T), undefined, 'read before the write: not kept');
});

test('ValidationAnswerCache: bounded per environment and in all; TTL 0 keeps nothing', () => {
  const c = new ValidationAnswerCache(500, 3, 2);
  for (const v of ['1', '2', '3']) c.offer('env', Buffer.from(v), c.writeCount, 200, answer(), T);
  assert.equal(c.get('env', Buffer.from('1'), T), undefined, 'the oldest entry went first');
  assert.ok(c.get('env', Buffer.from('3'), T));
  c.offer('e2', request, c.writeCount, 200, answer(), T);
  assert.ok(c.get('env', Buffer.from('3'), T), 'three entries in all: within the bound');
  c.offer('e3', request, c.writeCount, 200, answer(), T);
  assert.equal(c.get('env', Buffer.from('3'), T), undefined, 'over the bound, the oldest environment went');
  assert.ok(c.get('e2', request, T) && c.get('e3', request, T));
  for (let i = 0; i < 50; i++) c.offer(`many${i}`, request, c.writeCount, 200, answer(), T);
  assert.ok(c.get('many49', request, T), 'the environment just written stays');
  assert.equal(c.get('many0', request, T), undefined);
  const off = new ValidationAnswerCache(0);
  off.offer('env', request, off.writeCount, 200, answer(), T);
  assert.equal(off.enabled, false);
  assert.equal(off.get('env', request, T), undefined);
});

test('isValidationRequest: POST /api_keys/validations only', () => {
  assert.equal(isValidationRequest('POST', '/api_keys/validations'), true);
  assert.equal(isValidationRequest('GET', '/api_keys/validations'), false);
  assert.equal(isValidationRequest('POST', '/api_keys/validations/x'), false);
});
