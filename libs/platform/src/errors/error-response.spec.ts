import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toErrorResponse } from './error-response';
import { NotFoundError, RateLimitedError, ValidationError } from './errors';

describe('toErrorResponse', () => {
  test('domain errors keep their status, code and extra fields', () => {
    const r = toErrorResponse(new NotFoundError('an organization', 'org_1'), 'req_1');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { message: 'Could not find an organization with the id, org_1.', code: 'entity_not_found', entity_id: 'org_1' });
  });
  test('validation errors carry errors[]', () => {
    const r = toErrorResponse(new ValidationError([{ field: 'name', code: 'name_required' }]), 'req_1');
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'invalid_request_parameters');
    assert.deepEqual(r.body.errors, [{ field: 'name', code: 'name_required' }]);
  });
  test('rate limits set Retry-After', () => {
    const r = toErrorResponse(new RateLimitedError(7), 'req_1');
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '7');
  });
  test('Fastify body errors become 4xx WorkOS bodies', () => {
    assert.equal(toErrorResponse({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 'r').status, 413);
    const bad = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });
    assert.deepEqual(toErrorResponse(bad, 'r').body, { message: 'The request body is not valid JSON.', code: 'invalid_json' });
  });
  test('unknown errors are 500s that carry the request ID and hide the message', () => {
    const r = toErrorResponse(new Error('database password is hunter2'), 'req_9');
    assert.equal(r.status, 500);
    assert.equal(r.internal, true);
    assert.equal(r.body.request_id, 'req_9');
    assert.doesNotMatch(r.body.message, /hunter2/);
  });
});

test('Fastify errors that Nest re-wrapped as HttpException keep precise codes', () => {
  const wrapped = (status: number, message: string) => ({ getStatus: () => status, message });
  assert.equal(toErrorResponse(wrapped(413, 'Request body is too large'), 'r').body.code, 'payload_too_large');
  assert.equal(toErrorResponse(wrapped(415, 'Unsupported Media Type'), 'r').body.code, 'unsupported_media_type');
  assert.equal(toErrorResponse(wrapped(400, "Body is not valid JSON but content-type is set to 'application/json'"), 'r').body.code, 'invalid_json');
  assert.equal(toErrorResponse(wrapped(400, 'Something else'), 'r').body.code, 'invalid_request');
});
